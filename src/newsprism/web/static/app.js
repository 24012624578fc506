// newsprism web app: small progressive enhancements; every page reads without it.
// Story page: a click on a finding (an element with data-goto="article:start:end ...")
// follows its sentence anchor as usual (CSS :target highlights the sentence) and, with this
// script, also marks exactly the words of every span it cites.
(function () {
  "use strict";
  var marked = [];

  function clear() {
    for (var i = 0; i < marked.length; i++) { marked[i].classList.remove("hl"); }
    marked = [];
  }

  function mark(spec) {
    clear();
    var first = null;
    var parts = spec.split(" ");
    for (var p = 0; p < parts.length; p++) {
      var bits = parts[p].split(":");
      if (bits.length !== 3) { continue; }
      var start = +bits[1], end = +bits[2];
      var column = document.querySelector('article.col[data-index="' + bits[0] + '"]');
      if (!column) { continue; }
      var segs = column.querySelectorAll(".seg");
      for (var i = 0; i < segs.length; i++) {
        var s = +segs[i].getAttribute("data-start"), e = +segs[i].getAttribute("data-end");
        if (s < end && e > start) {
          segs[i].classList.add("hl");
          marked.push(segs[i]);
          if (!first) { first = segs[i]; }
        }
      }
    }
    return first;
  }

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest ? ev.target.closest("a[data-goto]") : null;
    if (!link) { return; }
    var first = mark(link.getAttribute("data-goto"));
    // The browser follows the anchor (:target highlights the sentence); then centre the
    // exact words, which may start in a later sentence than the anchor.
    if (first && first.scrollIntoView) {
      window.setTimeout(function () { first.scrollIntoView({behavior: "smooth", block: "center"}); }, 0);
    }
  });

  // The write token (when the server has one): a page opened with the right ?token= has this
  // server's form token in its forms' hidden "token" field. Keep it in the tab's
  // sessionStorage, which browsers keep per origin (scheme, host and port: no other server on
  // this machine can read it, unlike a cookie), put it in the forms of the later pages, and
  // take ?token= out of the address bar so it stays out of history and bookmarks.
  var TOKEN_KEY = "newsprism-form-token";
  var storage = null;
  try { storage = window.sessionStorage; } catch (e) { storage = null; }
  var given = document.querySelector('form input[type="hidden"][name="token"]');
  if (storage && given && given.value) {
    try { storage.setItem(TOKEN_KEY, given.value); } catch (e) { /* storage full or off */ }
  }
  var kept = storage ? storage.getItem(TOKEN_KEY) : null;
  if (kept) {
    var forms = document.querySelectorAll('form[method="post"]');
    for (var f = 0; f < forms.length; f++) {
      var field = forms[f].querySelector('input[name="token"]');
      if (!field) {
        field = document.createElement("input");
        field.type = "hidden";
        field.name = "token";
        forms[f].insertBefore(field, forms[f].firstChild);
      }
      if (!field.value) { field.value = kept; }
    }
  }
  if (window.URLSearchParams && window.history && history.replaceState) {
    var query = new URLSearchParams(window.location.search);
    if (query.has("token")) {
      query.delete("token");
      var rest = query.toString();
      history.replaceState(null, "", window.location.pathname + (rest ? "?" + rest : "") + window.location.hash);
    }
  }

  // Selecting stories to merge: the button says how many are selected.
  var list = document.querySelector("form.story-list");
  if (list) {
    var button = list.querySelector(".merge-bar button");
    var update = function () {
      var n = list.querySelectorAll('input[name="story"]:checked').length;
      button.disabled = n < 2;
      button.textContent = n < 2 ? "Select two or more stories to merge" : "Merge the " + n + " selected stories";
    };
    list.addEventListener("change", update);
    update();
  }
})();
