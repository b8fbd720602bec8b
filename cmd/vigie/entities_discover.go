package main

import (
	"context"
	"errors"
	"io"
)

func cmdEntitiesDiscover(_ context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("not yet")
}
