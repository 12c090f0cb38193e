(function () {
  "use strict";
  var hidden = {};
  document.documentElement.classList.add("js");
  function paint() {
    var marks = document.querySelectorAll("#text mark");
    for (var i = 0; i < marks.length; i++) {
      var keys = (marks[i].getAttribute("data-keys") || "").split(" ");
      var shown = keys.filter(function (k) { return k && !hidden[k]; });
      marks[i].className = shown.length ? shown[0] + (shown.length > 1 ? " multi" : "") : "off";
    }
  }
  var buttons = document.querySelectorAll("button.lg[data-key]");
  for (var j = 0; j < buttons.length; j++) {
    buttons[j].addEventListener("click", function (event) {
      var key = event.currentTarget.getAttribute("data-key");
      hidden[key] = !hidden[key];
      var same = document.querySelectorAll('button.lg[data-key="' + key + '"]');
      for (var b = 0; b < same.length; b++) {
        same[b].setAttribute("aria-pressed", hidden[key] ? "false" : "true");
      }
      paint();
    });
  }
})();
