// Package watch answers "what is new or changed on this subject since my
// last visit": it reads the change log (package changelog) of the live
// generation's chain, filters the changes like a search (the same q and
// lang, actor, forum, year filters, run by search.View.Matching over
// the changed passages' text, so that removed passages, no longer in the
// index, are filtered the same way), pages them newest first, and writes
// them as an Atom feed.
//
// It sits between the web pages and the searcher: web → watch → search.
package watch
