/* The dashboard's trend: published events per week (bars, left axis) and people reported killed (line, right
   axis). Data from the <script type="application/json"> block named by the canvas's data-trend (json_script), so
   no inline code runs. Clicking a week opens the timeline for it. */
(function () {
  "use strict";
  var canvas = document.querySelector("canvas[data-trend]");
  var source = canvas && document.getElementById(canvas.dataset.trend);
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);

  function addDays(iso, days) {
    var d = new Date(iso + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }

  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        {
          type: "line",
          label: "People killed",
          data: data.fatalities,
          yAxisID: "dead",
          borderColor: "#8c0d1f",
          backgroundColor: "#8c0d1f",
          borderWidth: 2,
          pointRadius: 3,
          tension: 0,
          order: 0
        },
        {
          type: "bar",
          label: "Events",
          data: data.events,
          yAxisID: "events",
          backgroundColor: "#8a9bb0",
          borderWidth: 0,
          barPercentage: 0.8,
          order: 1
        }
      ]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 12 } },
        events: { position: "left", beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "events" } },
        dead: {
          position: "right", beginAtZero: true, ticks: { precision: 0 }, grid: { drawOnChartArea: false },
          title: { display: true, text: "killed" }
        }
      },
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 12, boxHeight: 12 } },
        tooltip: { callbacks: { title: function (items) { return items.length ? "Week of " + items[0].label : ""; } } }
      },
      onClick: function (event, elements) {
        if (!elements.length) {
          return;
        }
        var start = data.weekStarts[elements[0].index];
        var url = new URL(canvas.dataset.link, window.location.href);
        url.searchParams.set("from", start);
        url.searchParams.set("to", addDays(start, 6));
        window.location.assign(url.toString());
      }
    }
  });
  canvas.classList.add("chart-drawn");
})();
