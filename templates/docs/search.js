// {{ mark }}
// Client-side search over entities and columns (the index is
// search-index.js, a script so that it loads from file:// too).
(function () {
  var input = document.getElementById('search');
  var list = document.getElementById('results');
  if (!input || !list || !window.SCHEMAC_SEARCH) return;
  function item(href, label, note) {
    var li = document.createElement('li');
    var a = document.createElement('a');
    a.href = href;
    a.textContent = label;
    li.appendChild(a);
    if (note) {
      var span = document.createElement('span');
      span.className = 'summary';
      span.textContent = note;
      li.appendChild(span);
    }
    return li;
  }
  input.addEventListener('input', function () {
    var q = input.value.trim().toLowerCase();
    list.textContent = '';
    if (!q) return;
    var shown = 0;
    for (var i = 0; i < window.SCHEMAC_SEARCH.length && shown < 50; i++) {
      var e = window.SCHEMAC_SEARCH[i];
      if (e.e.toLowerCase().indexOf(q) >= 0 || e.s.toLowerCase().indexOf(q) >= 0) {
        list.appendChild(item(e.u, e.e, e.s));
        shown++;
      }
      for (var j = 0; j < e.c.length && shown < 50; j++) {
        if (e.c[j].toLowerCase().indexOf(q) >= 0) {
          list.appendChild(item(e.u + '#col-' + e.c[j], e.e + '.' + e.c[j], 'column'));
          shown++;
        }
      }
    }
    if (!shown) list.appendChild(item('#', 'Nothing matches “' + input.value + '”', ''));
  });
})();
