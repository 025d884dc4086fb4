// @virtkit/remote's public surface: each module appends its exports here.
