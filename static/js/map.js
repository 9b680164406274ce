/* The map page: control zones on the chosen date (date input or slider) and the events of the window before it.
   Zones and events come from /api/zones.geojson and /api/events.geojson; the URL follows the controls so a view
   can be shared. Zones are vector layers, so they draw without tiles. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof window.L === "undefined" || !window.IdlibMap) {
    return;
  }
  var M = window.IdlibMap;
  var config = M.readConfig(el.dataset.config);
  var map = M.createMap(el, config, { zoom: 8.5 });
  var zones = M.zonesLayer().addTo(map);
  var events = M.eventsLayer();
  events.group.addTo(map);
  // A cluster opened onto its events (once they have fanned out) says how many it shows, for the tests and for
  // anything that waits on the map.
  events.group.on("spiderfied", function (e) { el.dataset.opened = String(e.markers.length); });
  events.group.on("unspiderfied", function () { delete el.dataset.opened; });

  var form = document.getElementById("map-form");
  var dateInput = document.getElementById("map-date");
  var slider = document.getElementById("map-slider");
  var daysSelect = document.getElementById("map-days");
  var status = document.getElementById("map-status");
  var legendZones = document.getElementById("legend-zones");
  var legendEvents = document.getElementById("legend-events");
  var hint = document.getElementById("map-hint");
  var prevChange = document.getElementById("map-prev-change");
  var nextChange = document.getElementById("map-next-change");
  var changes = config.changes.slice().sort();
  var DAY = 86400000;
  var NORTH_WEST = [[34.95, 35.75], [36.85, 37.65]];
  var first = Date.parse(config.first + "T00:00:00Z");
  var last = Date.parse(config.today + "T00:00:00Z");
  var fitted = false;
  var pending = null;

  function iso(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }
  function dayIndex(isoDate) {
    return Math.round((Date.parse(isoDate + "T00:00:00Z") - first) / DAY);
  }

  slider.min = "0";
  slider.max = String(Math.max(0, Math.round((last - first) / DAY)));
  slider.value = String(Math.max(0, dayIndex(config.date)));
  slider.disabled = false;
  slider.setAttribute("aria-valuetext", config.date);
  var ticks = document.getElementById("zone-changes");
  config.changes.forEach(function (d) {
    var option = document.createElement("option");
    option.value = String(dayIndex(d));
    option.label = d;
    ticks.appendChild(option);
  });

  function swatch(color) {
    var box = M.element("span", "legend__swatch");
    box.style.backgroundColor = color;
    box.setAttribute("aria-hidden", "true");
    return box;
  }

  function legendItem(list, color, label, count) {
    var item = M.element("li", "legend__item");
    item.appendChild(swatch(color));
    item.appendChild(M.element("span", "legend__label", label));
    if (count !== undefined) {
      item.appendChild(M.element("span", "legend__count", count));
    }
    list.appendChild(item);
  }

  function drawLegend(zoneData, eventData) {
    legendZones.replaceChildren();
    var controllers = new Map();
    zoneData.features.forEach(function (f) {
      var key = f.properties.controller_slug;
      var entry = controllers.get(key) || { name: f.properties.controller, color: f.properties.color, zones: 0 };
      entry.zones += 1;
      controllers.set(key, entry);
    });
    controllers.forEach(function (entry) {
      legendItem(legendZones, entry.color, entry.name, entry.zones === 1 ? "1 zone" : entry.zones + " zones");
    });
    if (!controllers.size) {
      legendZones.appendChild(M.element("li", "muted", "No zone recorded on this date."));
    }
    legendEvents.replaceChildren();
    var byType = {};
    eventData.features.forEach(function (f) {
      byType[f.properties.event_type] = (byType[f.properties.event_type] || 0) + 1;
    });
    Object.keys(config.typeColors).forEach(function (type) {
      legendItem(legendEvents, config.typeColors[type], type, byType[type] || 0);
    });
  }

  // How big a marker is for how many dead: drawn once, with the same function the markers use.
  function drawSizeLegend() {
    var list = document.getElementById("legend-sizes");
    if (!list) {
      return;
    }
    M.fatalitySteps.forEach(function (n) {
      var item = M.element("li", "legend__item");
      var dot = M.element("span", "legend__dot");
      var d = 2 * M.fatalityRadius(n);
      dot.style.width = d + "px";
      dot.style.height = d + "px";
      var box = M.element("span", "legend__size");
      box.setAttribute("aria-hidden", "true");
      box.appendChild(dot);
      item.appendChild(box);
      item.appendChild(M.element("span", "legend__label", n === 0 ? "none or not reported" : n + " killed"));
      list.appendChild(item);
    });
  }
  drawSizeLegend();

  // Two things a reader cannot tell from the drawing: that the newest zones are old (the map of "today" is only
  // as recent as the last zone an editor drew), and where the events are when the chosen window has none.
  function drawHint(day, from, zoneData, n) {
    hint.replaceChildren();
    var stale = M.staleZonesNote(day, zoneData);
    if (stale) {
      hint.appendChild(M.element("span", "map-hint__line", stale));
    }
    if (n === 0 && config.lastEvent && config.lastEvent < from) {
      var line = M.element("span", "map-hint__line", "No events in this window; the newest is from " +
        config.lastEvent + ". ");
      hint.appendChild(line);
      var jump = M.element("a", "", "Show " + config.lastEvent);
      jump.href = "?date=" + config.lastEvent + "&days=" + daysSelect.value;
      jump.addEventListener("click", function (event) {
        event.preventDefault();
        choose(config.lastEvent, false);
      });
      line.appendChild(jump);
    }
    hint.hidden = !hint.childNodes.length;
  }

  function eventsQuery(day) {
    var params = new URLSearchParams(config.filters);
    params.set("to", day);
    params.set("from", iso(Date.parse(day + "T00:00:00Z") - (Number(daysSelect.value) - 1) * DAY));
    return params;
  }

  function load(day) {
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    var signal = pending.signal;
    status.textContent = "Loading " + day + "…";
    el.setAttribute("aria-busy", "true");
    var params = eventsQuery(day);
    Promise.all([
      M.fetchJSON(config.zonesUrl + "?date=" + encodeURIComponent(day), signal),
      M.fetchJSON(config.eventsUrl + "?" + params.toString(), signal)
    ]).then(function (results) {
      zones.clearLayers();
      zones.addData(results[0]);
      events.set(results[1]);
      drawLegend(results[0], results[1]);
      var n = results[1].features.length;
      status.textContent = results[0].features.length + " areas on " + day + "; " + n + (n === 1 ? " event" : " events") +
        " from " + params.get("from") + (results[1].truncated ? " (newest shown)" : "") + ".";
      drawHint(day, params.get("from"), results[0], n);
      // The areas cover all of Syria; the tracker is about the north-west, so the first view frames it (Idlib with
      // the Aleppo, Hama and Latakia fronts); zooming out shows the rest of the country. At once, not animated: the
      // clusters are drawn for the final zoom before the map says it is ready.
      if (!fitted && zones.getLayers().length) {
        map.fitBounds(NORTH_WEST, { padding: [8, 8], animate: false });
        fitted = true;
      }
      el.dataset.date = day;
      el.setAttribute("aria-busy", "false");
    }).catch(function (error) {
      if (error.name !== "AbortError") {
        status.textContent = "Could not load the map data: " + error.message;
        el.setAttribute("aria-busy", "false");
      }
    });
  }

  // The nearest change of control before / after the day shown (ISO dates compare as strings), or null.
  function neighbours(day) {
    var before = null;
    var after = null;
    changes.forEach(function (d) {
      if (d < day) {
        before = d;
      } else if (d > day && after === null) {
        after = d;
      }
    });
    return { before: before, after: after };
  }

  function drawChangeButtons(day) {
    var near = neighbours(day);
    prevChange.disabled = near.before === null;
    nextChange.disabled = near.after === null || near.after > config.today;
    prevChange.title = near.before ? "Go to " + near.before : "No earlier change";
    nextChange.title = near.after ? "Go to " + near.after : "No later change";
    prevChange.dataset.target = near.before || "";
    nextChange.dataset.target = near.after || "";
  }

  function syncUrl(day) {
    var url = new URL(window.location.href);
    url.searchParams.set("date", day);
    url.searchParams.set("days", daysSelect.value);
    window.history.replaceState(null, "", url.toString());
  }

  function choose(day, fromSlider) {
    dateInput.value = day;
    if (!fromSlider) {
      slider.value = String(dayIndex(day));
    }
    slider.setAttribute("aria-valuetext", day);
    drawChangeButtons(day);
    syncUrl(day);
    load(day);
  }

  [prevChange, nextChange].forEach(function (button) {
    button.addEventListener("click", function () {
      if (button.dataset.target) {
        choose(button.dataset.target, false);
      }
    });
  });

  var timer = null;
  slider.addEventListener("input", function () {
    var day = iso(first + Number(slider.value) * DAY);
    dateInput.value = day;
    slider.setAttribute("aria-valuetext", day);
    window.clearTimeout(timer);
    drawChangeButtons(day);
    timer = window.setTimeout(function () { choose(day, true); }, 150);
  });
  dateInput.addEventListener("change", function () {
    if (/^\d{4}-\d{2}-\d{2}$/.test(dateInput.value)) {
      choose(dateInput.value, false);
    }
  });
  daysSelect.addEventListener("change", function () { choose(dateInput.value, false); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    choose(dateInput.value, false);
  });

  drawChangeButtons(config.date);
  load(config.date);
})();
