/* Shared by the map page and the small maps: Leaflet set-up that works offline (zones are vector layers; the
   tile layer is optional) and popups built from DOM text nodes, so nothing from a feed is parsed as HTML. */
(function () {
  "use strict";
  var NW_SYRIA = [35.85, 36.65];

  function readConfig(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function createMap(el, config, options) {
    var map = window.L.map(el, Object.assign({ center: NW_SYRIA, zoom: 8, zoomSnap: 0.5 }, options || {}));
    if (config.tiles) {
      window.L.tileLayer(config.tiles, {
        maxZoom: 17,
        attribution: "&copy; OpenStreetMap contributors"
      }).addTo(map);
    }
    map.attributionControl.setPrefix(false);
    return map;
  }

  function zonesLayer() {
    return window.L.geoJSON(null, {
      style: function (feature) {
        return {
          className: "zone",
          color: feature.properties.color,
          weight: 1.5,
          opacity: 0.9,
          fillColor: feature.properties.color,
          fillOpacity: 0.3
        };
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        var label = p.kind === "derived" ? p.controller + " (lines of " + p.valid_from + ")" : p.controller + ": " + p.name;
        layer.bindTooltip(label, { sticky: true });
      }
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }

  function eventPopup(props) {
    var box = element("div", "popup");
    box.appendChild(element("p", "popup__meta", props.date + " · " + props.event_type));
    var title = element("p", "popup__title");
    var link = element("a", null, props.title);
    link.href = props.url;
    title.appendChild(link);
    box.appendChild(title);
    var detail = props.sub_event_type + (props.place ? " · " + props.place : "");
    if (props.fatalities !== null && props.fatalities !== undefined) {
      detail += " · " + props.fatalities + " killed";
    }
    box.appendChild(element("p", "popup__detail", detail));
    return box;
  }

  // A marker's radius grows with the square root of the dead, so its area (what the eye compares) follows the
  // number; an event with no reported figure keeps the smallest size, the same as none killed.
  var FATALITY_STEPS = [0, 10, 50];
  function fatalityRadius(fatalities) {
    var n = Number(fatalities) || 0;
    return Math.min(20, 5 + 1.8 * Math.sqrt(Math.max(0, n)));
  }

  function eventMarker(feature, latlng) {
    return window.L.circleMarker(latlng, {
      className: "event-marker",
      radius: fatalityRadius(feature.properties.fatalities),
      color: "#ffffff",
      weight: 1.5,
      fillColor: feature.properties.color,
      fillOpacity: 0.9
    });
  }

  // Events at one place (or too close to tell apart at this zoom) become one disc with their count; its ring is
  // the events' colour when they share a type, else the site's ink. Built from DOM nodes, not an HTML string.
  function clusterIcon(cluster) {
    var children = cluster.getAllChildMarkers();
    var count = cluster.getChildCount();
    var killed = 0;
    var colors = {};
    children.forEach(function (marker) {
      killed += Number(marker.feature.properties.fatalities) || 0;
      colors[marker.feature.properties.color] = true;
    });
    var shared = Object.keys(colors);
    var box = element("div", "event-cluster__disc");
    box.style.borderColor = shared.length === 1 ? shared[0] : "#1f2a36";
    box.appendChild(element("span", "event-cluster__count", count));
    var label = count + " events" + (killed ? ", " + killed + " killed" : "");
    box.title = label;
    box.setAttribute("aria-label", label);
    var size = Math.round(30 + Math.min(18, 4 * Math.log(count)));
    return window.L.divIcon({ html: box, className: "event-cluster", iconSize: [size, size] });
  }

  function eventsLayer() {
    var group = window.L.markerClusterGroup
      ? window.L.markerClusterGroup({
        iconCreateFunction: clusterIcon,
        maxClusterRadius: 36,
        showCoverageOnHover: false,
        spiderfyOnMaxZoom: true
      })
      : window.L.featureGroup();
    return {
      group: group,
      set: function (data) {
        group.clearLayers();
        group.addLayer(window.L.geoJSON(data, {
          pointToLayer: eventMarker,
          onEachFeature: function (feature, layer) {
            layer.bindPopup(eventPopup(feature.properties));
          }
        }));
      }
    };
  }

  function fetchJSON(url, signal) {
    return fetch(url, { signal: signal, headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) {
        return response.json().then(function (body) {
          throw new Error((body.messages || [response.statusText]).join(" "));
        });
      }
      return response.json();
    });
  }

  // A map of "today" is only as recent as the last zone an editor drew: the sentence that says so when the newest
  // zone on show is over a year older than the map's date, else "".
  function staleZonesNote(day, zoneData) {
    var drawn = zoneData.features.reduce(function (newest, f) {
      return f.properties.valid_from > newest ? f.properties.valid_from : newest;
    }, "");
    if (drawn && Date.parse(day + "T00:00:00Z") - Date.parse(drawn + "T00:00:00Z") > 365 * 86400000) {
      return "The newest of these zones dates from " + drawn + ": the lines may have moved since.";
    }
    return "";
  }

  window.IdlibMap = {
    staleZonesNote: staleZonesNote,
    readConfig: readConfig,
    createMap: createMap,
    zonesLayer: zonesLayer,
    eventPopup: eventPopup,
    eventsLayer: eventsLayer,
    fatalityRadius: fatalityRadius,
    fatalitySteps: FATALITY_STEPS,
    element: element,
    fetchJSON: fetchJSON
  };
})();
