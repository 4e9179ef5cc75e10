module github.com/relucid/relucid

go 1.26.8
