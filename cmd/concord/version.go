package main

import "fmt"

func init() {
	register(command{name: "version", summary: "print the version", run: func([]string) error {
		fmt.Println("concord 0.1.0-dev")
		return nil
	}})
}
