module azora.local/alloy-stages

go 1.26
