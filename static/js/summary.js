// Weekly summary page: draws the 12-week chart from the JSON the template embeds with json_script.
// Loaded as a file (the CSP has no 'unsafe-inline'); the data table below the canvas holds the same figures.
(function () {
  "use strict";
  function draw() {
    var dataNode = document.getElementById("summary-series");
    var canvas = document.getElementById("summary-chart");
    if (!dataNode || !canvas || typeof window.Chart === "undefined") {
      return;
    }
    var series = JSON.parse(dataNode.textContent);
    var chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: series.labels,
        datasets: [
          { type: "bar", label: "Published events", data: series.events, backgroundColor: "#1f2a36", yAxisID: "y" },
          {
            type: "line", label: "Reported fatalities", data: series.fatalities, borderColor: "#b03a2e",
            backgroundColor: "#b03a2e", yAxisID: "y1", tension: 0.2
          }
        ]
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        scales: {
          y: { beginAtZero: true, position: "left", title: { display: true, text: "Events" }, ticks: { precision: 0 } },
          y1: {
            beginAtZero: true, position: "right", grid: { drawOnChartArea: false },
            title: { display: true, text: "Fatalities" }, ticks: { precision: 0 }
          }
        }
      }
    });
    canvas.dataset.drawn = String(series.labels.length);
    // Paper is narrower than the screen: redraw at the print size so the chart is not cropped.
    window.addEventListener("beforeprint", function () { chart.resize(); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
