// Vigie: progressive enhancement of the server-rendered pages. Every page
// works without this file (plain links and a GET form); with it, filters
// apply without a page load, the search box suggests completions, and the
// keyboard moves between results. No inline script is used anywhere: the
// Content-Security-Policy forbids it.
(function () {
  'use strict';

  document.documentElement.classList.add('js');

  var form = document.getElementById('search-form');
  var input = document.getElementById('q');
  var status = document.getElementById('status');
  var narrow = window.matchMedia('(max-width: 52em)');

  // ---- Results in place: facets, chips and pages --------------------

  var pending = null;

  // formURL is the result page the form describes right now.
  function formURL() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (name === 'q' && String(value).trim() === '') return;
      params.append(name, value);
    });
    var s = params.toString();
    return '/' + (s ? '?' + s : '');
  }

  function findCheckbox(name, value) {
    var boxes = document.querySelectorAll('#results-region input[type=checkbox]');
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].name === name && boxes[i].value === value) return boxes[i];
    }
    return null;
  }

  // swap fetches a result page and replaces the results region with its
  // own; on any failure it falls back to loading the page.
  function swap(url, push, focus) {
    var region = document.getElementById('results-region');
    if (!region || !window.fetch || !window.DOMParser) {
      window.location.href = url;
      return;
    }
    if (pending) pending.abort();
    var ctl = new AbortController();
    pending = ctl;
    region.setAttribute('aria-busy', 'true');
    var filters = document.getElementById('filters');
    var wasOpen = filters ? filters.open : true;
    fetch(url, { headers: { Accept: 'text/html' }, signal: ctl.signal, credentials: 'same-origin' })
      .then(function (res) {
        if (!res.ok && res.status !== 400) throw new Error('HTTP ' + res.status);
        return res.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var fresh = doc.getElementById('results-region');
        if (!fresh) throw new Error('no results in the page');
        region.replaceWith(document.adoptNode(fresh));
        var sw = doc.getElementById('ui-switch');
        var cur = document.getElementById('ui-switch');
        if (sw && cur) cur.setAttribute('href', sw.getAttribute('href'));
        document.title = doc.title;
        var f = document.getElementById('filters');
        if (f) f.open = wasOpen;
        if (push) history.pushState({ vigie: 1 }, '', url);
        var heading = document.getElementById('results-heading');
        if (status && heading) status.textContent = heading.textContent;
        var target = typeof focus === 'function' ? focus() : null;
        if (target) target.focus();
        pending = null;
      })
      .catch(function (err) {
        if (err && err.name === 'AbortError') return;
        window.location.href = url;
      });
  }

  document.addEventListener('change', function (e) {
    var box = e.target;
    if (!form || !box.matches || !box.matches('#results-region input[type=checkbox]')) return;
    var name = box.name, value = box.value;
    swap(formURL(), true, function () { return findCheckbox(name, value); });
  });

  document.addEventListener('click', function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    var a = e.target.closest && e.target.closest('a.js-swap');
    if (!a) return;
    e.preventDefault();
    var toTop = a.closest('.pager') !== null;
    swap(a.getAttribute('href'), true, function () {
      var h = document.getElementById('results-heading') || document.getElementById('main');
      if (toTop && h) h.scrollIntoView();
      return h;
    });
  });

  window.addEventListener('popstate', function () {
    if (!document.getElementById('results-region')) return;
    if (input) input.value = new URLSearchParams(window.location.search).get('q') || '';
    swap(window.location.pathname + window.location.search, false, null);
  });

  // On a phone the filters start folded so the results come first.
  var filters = document.getElementById('filters');
  if (filters && narrow.matches) filters.open = false;

  // ---- Suggestions as you type ---------------------------------------
  // GET /api/v1/suggest?q=&lang= answers completions. Until the server
  // has that endpoint it answers 404: suggestions then switch off for the
  // page, silently.

  var list = document.getElementById('suggestions');
  var suggestOff = !input || !list || !window.fetch;
  var timer = 0;
  var lastAsked = '';

  function suggestions(data) {
    var items = Array.isArray(data) ? data : (data && (data.suggestions || data.completions || data.items)) || [];
    var out = [];
    for (var i = 0; i < items.length && out.length < 8; i++) {
      var x = items[i];
      var text = typeof x === 'string' ? x : x && (x.text || x.value || x.query || x.term || x.label);
      if (text && out.indexOf(text) < 0) out.push(String(text));
    }
    return out;
  }

  function suggest() {
    var q = input.value.trim();
    if (q.length < 2 || q === lastAsked) return;
    lastAsked = q;
    var params = new URLSearchParams({ q: q });
    var langs = document.querySelectorAll('#results-region input[name=lang]:checked');
    if (langs.length === 1) params.set('lang', langs[0].value);
    fetch('/api/v1/suggest?' + params.toString(), { headers: { Accept: 'application/json' } })
      .then(function (res) {
        if (res.status === 404 || res.status === 405 || res.status === 501) {
          suggestOff = true;
          return null;
        }
        return res.ok ? res.json() : null;
      })
      .then(function (data) {
        if (!data || input.value.trim() !== q) return;
        list.textContent = '';
        suggestions(data).forEach(function (text) {
          var o = document.createElement('option');
          o.value = text;
          list.appendChild(o);
        });
        if (!input.hasAttribute('list')) input.setAttribute('list', 'suggestions');
      })
      .catch(function () { /* suggestions are optional */ });
  }

  if (!suggestOff) {
    input.addEventListener('input', function () {
      if (suggestOff) return;
      clearTimeout(timer);
      timer = setTimeout(suggest, 150);
    });
  }

  // ---- Keyboard -------------------------------------------------------
  // "/" focuses the search box; "j" and "k" move to the next and previous
  // result; Escape leaves the search box.

  function typing(el) {
    if (!el) return false;
    if (el.isContentEditable || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
    return el.tagName === 'INPUT' && !/^(checkbox|radio|button|submit|reset)$/.test(el.type);
  }

  document.addEventListener('keydown', function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (typing(e.target)) {
      if (e.key === 'Escape' && e.target === input) input.blur();
      return;
    }
    if (e.key === '/' && input) {
      e.preventDefault();
      input.focus();
      input.select();
      return;
    }
    if (e.key !== 'j' && e.key !== 'k') return;
    var links = Array.prototype.slice.call(document.querySelectorAll('.hit-title a'));
    if (!links.length) return;
    e.preventDefault();
    var i = links.indexOf(document.activeElement);
    if (e.key === 'j') i = i < 0 ? 0 : Math.min(i + 1, links.length - 1);
    else i = i < 0 ? 0 : Math.max(i - 1, 0);
    links[i].focus();
    links[i].scrollIntoView({ block: 'nearest' });
  });

  // ---- Document page ----------------------------------------------------
  // The passage named in the URL fragment is marked by CSS (:target) and
  // scrolled into view by the browser; focusing it lets a screen reader
  // start reading there.

  function focusTarget() {
    var id = '';
    try { id = decodeURIComponent(window.location.hash.slice(1)); } catch (err) { return; }
    var el = id && document.getElementById(id);
    if (el && el.classList.contains('passage')) el.focus({ preventScroll: true });
  }
  focusTarget();
  window.addEventListener('hashchange', focusTarget);
})();
