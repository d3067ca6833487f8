module linkcaps.invalid/go-consumer

go 1.19
