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
  var picked = {};
  function mark() {
    var spans = document.querySelectorAll("#text .mention[data-entity]");
    for (var m = 0; m < spans.length; m++) {
      var keys = spans[m].getAttribute("data-entity").split(" ");
      spans[m].classList.toggle("picked", keys.some(function (k) { return picked[k]; }));
    }
  }
  var ents = document.querySelectorAll("button.ent[data-entity]");
  for (var e = 0; e < ents.length; e++) {
    ents[e].addEventListener("click", function (event) {
      var button = event.currentTarget;
      var key = button.getAttribute("data-entity");
      picked[key] = !picked[key];
      button.setAttribute("aria-pressed", picked[key] ? "true" : "false");
      mark();
      var first = document.querySelector('#text .mention[data-entity~="' + key + '"]');
      if (picked[key] && first) {
        first.scrollIntoView({ block: "center" });
      }
    });
  }
})();
