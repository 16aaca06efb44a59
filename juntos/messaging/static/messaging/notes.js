// The progress-note composer: live character count, "select all", and the class picker.
// Everything here is an enhancement: without JavaScript the form works the same.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var sentence = document.getElementById("id_sentence");
    var count = document.getElementById("sentence-count");
    if (sentence && count) {
      var max = count.getAttribute("data-max");
      var format = count.getAttribute("data-format");
      var update = function () {
        count.textContent = format.replace("{n}", String(sentence.value.length)).replace("{max}", max);
      };
      sentence.addEventListener("input", update);
      update();
    }
    var all = document.getElementById("select-all");
    if (all) {
      var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name="students"]'));
      var label = all.closest("label");
      if (label && boxes.length > 1) { label.hidden = false; }
      var sync = function () { all.checked = boxes.length > 0 && boxes.every(function (b) { return b.checked; }); };
      all.addEventListener("change", function () {
        boxes.forEach(function (b) { b.checked = all.checked; });
      });
      boxes.forEach(function (b) { b.addEventListener("change", sync); });
      sync();
    }
    var picker = document.getElementById("pick-section");
    if (picker && picker.form) {
      picker.addEventListener("change", function () { picker.form.submit(); });
    }
  });
})();
