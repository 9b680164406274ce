/* Stacked bar charts of events per week by type. The data comes from a <script type="application/json"> block
   (Django's json_script) named by the canvas's data-chart attribute: no inline code, as the CSP requires.
   Clicking a bar opens the timeline for that week (data-link carries the page's filters). */
(function () {
  "use strict";

  function addDays(iso, days) {
    var d = new Date(iso + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (d) {
          return { label: d.label, data: d.data, backgroundColor: d.backgroundColor, borderWidth: 0, barPercentage: 0.9 };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: true, grid: { display: false }, ticks: { maxRotation: 0, autoSkip: true, autoSkipPadding: 12 } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "events" } }
        },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12, boxHeight: 12 } },
          tooltip: { callbacks: { title: function (items) { return items.length ? "Week " + items[0].label : ""; } } }
        },
        onClick: function (event, elements) {
          var link = canvas.dataset.link;
          if (!link || !elements.length) {
            return;
          }
          var start = data.weekStarts[elements[0].index];
          var url = new URL(link, window.location.href);
          url.searchParams.delete("cursor");
          url.searchParams.set("from", start);
          url.searchParams.set("to", addDays(start, 6));
          window.location.assign(url.toString());
        }
      }
    });
    canvas.classList.add("chart-drawn");
    return chart;
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
