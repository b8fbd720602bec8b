package search

// SetOwnEvaluator turns Vigie's evaluator (eval.go) on or off, returning
// a function that restores the previous setting; EvaluatorRuns counts the
// score-ordered searches it answered and those left to bleve.
func SetOwnEvaluator(on bool) (restore func()) {
	was := ownEvaluator
	ownEvaluator = on
	return func() { ownEvaluator = was }
}

// EvaluatorRuns reports how many score-ordered searches the evaluator
// answered and how many it left to bleve.
func EvaluatorRuns() (own, bleve int64) { return evalOwnRuns.Load(), evalBleveRuns.Load() }
