// Package web serves Vigie's search page: server-rendered HTML that works
// without JavaScript, in English and French.
//
// [New] returns an http.Handler for four routes:
//
//   - GET / is the search page, a GET form whose URL is the whole state
//     (q, lang, actor, forum, year, page, ui), so every result page can
//     be shared. Facets are checkbox lists with counts inside the form;
//     selected filters are chips whose links remove them.
//   - GET /documents/{id} is a whole document under its headings; each
//     passage's id is its anchor, so /documents/{doc}#{passage} scrolls
//     to the passage, which CSS marks (:target).
//   - GET /documents lists the documents.
//   - GET /static/{name} serves the embedded stylesheet, script and icon,
//     versioned by content hash.
//
// The interface language is the ui parameter, else the best match of
// Accept-Language; every label comes from a small catalogue (i18n.go).
//
// Templates are html/template, so every value is escaped; the only HTML
// trusted as such is the highlight that package search builds (the text
// escaped, <mark> added). Pages carry a Content-Security-Policy that allows
// scripts and styles from the site only: no inline script, style or event
// handler. The script (static/vigie.js) only enhances: filters without a
// page load, suggestions from /api/v1/suggest when the server has it,
// keyboard shortcuts.
//
// web does not import package api; api mounts it.
package web
