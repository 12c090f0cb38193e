(function () {
  "use strict";
  var hidden = {};        // label key -> hidden by its legend button
  var hiddenGroup = {};   // group id -> unticked
  var groupOf = {};       // label key -> group id (from the legend's buttons)
  var threshold = 0;      // minimum confidence
  document.documentElement.classList.add("js");
  function all(selector) { return document.querySelectorAll(selector); }
  var buttons = all("button.lg[data-key]");
  for (var b = 0; b < buttons.length; b++) {
    groupOf[buttons[b].getAttribute("data-key")] = buttons[b].getAttribute("data-group");
  }
  function shown(key, score) {
    return key && !hidden[key] && !hiddenGroup[groupOf[key]] && score >= threshold;
  }
  function paint() {
    var marks = all("#text mark");
    var seen = {}, on_ = {};
    for (var i = 0; i < marks.length; i++) {
      var keys = (marks[i].getAttribute("data-keys") || "").split(" ");
      var scores = (marks[i].getAttribute("data-scores") || "").split(" ");
      var on = keys.filter(function (k, n) { return shown(k, parseFloat(scores[n] || "0")); });
      marks[i].className = on.length ? on[0] + (on.length > 1 ? " multi" : "") : "off";
      marks[i].setAttribute("tabindex", on.length ? "0" : "-1");
      var lines = marks[i].querySelectorAll(".ln");
      for (var l = 0; l < lines.length; l++) {
        var f = lines[l].getAttribute("data-f");
        var lit = shown(lines[l].getAttribute("data-key"), parseFloat(lines[l].getAttribute("data-score")));
        lines[l].classList.toggle("off", !lit);
        seen[f] = true;
        if (lit) { on_[f] = true; }
      }
    }
    var count = document.getElementById("shown");
    if (count) {
      count.textContent = Object.keys(on_).length + " of " + Object.keys(seen).length + " highlights shown";
    }
  }
  for (var j = 0; j < buttons.length; j++) {
    buttons[j].addEventListener("click", function (event) {
      var key = event.currentTarget.getAttribute("data-key");
      hidden[key] = !hidden[key];
      var same = all('button.lg[data-key="' + key + '"]');
      for (var s = 0; s < same.length; s++) {
        same[s].setAttribute("aria-pressed", hidden[key] ? "false" : "true");
      }
      paint();
    });
  }
  var groups = all("input.grp[data-group]");
  for (var g = 0; g < groups.length; g++) {
    groups[g].addEventListener("change", function (event) {
      var box = event.currentTarget;
      var id = box.getAttribute("data-group");
      hiddenGroup[id] = !box.checked;
      var block = document.querySelector('.lgroup[data-group="' + id + '"]');
      if (block) { block.classList.toggle("off", !box.checked); }
      paint();
    });
  }
  var conf = document.getElementById("conf");
  var confValue = document.getElementById("conf-value");
  if (conf) {
    conf.addEventListener("input", function () {
      threshold = parseFloat(conf.value) || 0;
      if (confValue) { confValue.textContent = threshold.toFixed(2); }
      paint();
    });
  }
  var marksWithTitles = all("#text mark[title]");
  for (var t = 0; t < marksWithTitles.length; t++) {
    marksWithTitles[t].removeAttribute("title");  // the stylesheet's tip shows it on hover and focus
  }
  var picked = {};
  function mark() {
    var spans = all("#text .mention[data-entity]");
    for (var m = 0; m < spans.length; m++) {
      var keys = spans[m].getAttribute("data-entity").split(" ");
      spans[m].classList.toggle("picked", keys.some(function (k) { return picked[k]; }));
    }
  }
  var ents = all("button.ent[data-entity]");
  for (var e = 0; e < ents.length; e++) {
    ents[e].addEventListener("click", function (event) {
      var key = event.currentTarget.getAttribute("data-entity");
      picked[key] = !picked[key];
      var same = all('button.ent[data-entity="' + key + '"]');
      for (var s = 0; s < same.length; s++) {
        same[s].setAttribute("aria-pressed", picked[key] ? "true" : "false");
      }
      mark();
      var first = document.querySelector('#text .mention[data-entity~="' + key + '"]');
      if (picked[key] && first) {
        first.scrollIntoView({ block: "center" });
      }
    });
  }
  paint();
})();
