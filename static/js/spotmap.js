/* Small maps on the dashboard, event and place pages: the control zones on one date and, when given, one spot. */
(function () {
  "use strict";
  if (typeof window.L === "undefined" || !window.IdlibMap) {
    return;
  }
  var M = window.IdlibMap;
  document.querySelectorAll("[data-spotmap]").forEach(function (el) {
    var config = M.readConfig(el.dataset.spotmap);
    if (!config) {
      return;
    }
    var map = M.createMap(el, config, { scrollWheelZoom: false, zoom: config.point ? 10 : 8 });
    if (config.point) {
      map.setView(config.point, 10);
    }
    var zones = M.zonesLayer().addTo(map);
    M.fetchJSON(config.zonesUrl + "?date=" + encodeURIComponent(config.date)).then(function (data) {
      zones.addData(data);
      if (!config.point && zones.getLayers().length) {
        map.fitBounds(zones.getBounds(), { padding: [8, 8] });
      }
      // The dashboard's map of today says so when its zones are old (a caption element names the map's config).
      var caption = document.querySelector('[data-spotmap-caption="' + el.dataset.spotmap + '"]');
      var stale = caption ? M.staleZonesNote(config.date, data) : "";
      if (stale) {
        caption.textContent = stale;
        caption.hidden = false;
      }
      el.dataset.zones = String(zones.getLayers().length);
    }).catch(function () {
      el.dataset.zones = "error";
    });
    if (config.point) {
      window.L.circleMarker(config.point, {
        className: "event-marker",
        radius: 8,
        color: "#ffffff",
        weight: 2,
        fillColor: config.color,
        fillOpacity: 1
      }).bindTooltip(config.label).addTo(map);
    }
  });
})();
