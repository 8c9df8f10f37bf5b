// The search box: shows the messages and types whose name, tags, members or docs contain
// every word typed, and the matching entries of the contents.
(function () {
  'use strict';
  var input = document.getElementById('search');
  var items = Array.prototype.slice.call(document.querySelectorAll('.item[data-search]'));
  var links = Array.prototype.slice.call(document.querySelectorAll('#toc li[data-target]'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('section.group'));
  var none = document.getElementById('no-match');
  function filter() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = {};
    var count = 0;
    items.forEach(function (item) {
      var text = item.getAttribute('data-search');
      var match = words.every(function (w) { return text.indexOf(w) >= 0; });
      item.hidden = !match;
      if (match) { shown[item.id] = true; count += 1; }
    });
    links.forEach(function (li) { li.hidden = !shown[li.getAttribute('data-target')]; });
    groups.forEach(function (g) { g.hidden = !g.querySelector('.item:not([hidden])'); });
    none.hidden = count > 0;
  }
  input.addEventListener('input', filter);
  document.addEventListener('keydown', function (e) {
    if (e.key === '/' && document.activeElement !== input) { e.preventDefault(); input.focus(); }
  });
  window.addEventListener('beforeprint', function () {
    input.value = '';
    filter();
  });
})();
