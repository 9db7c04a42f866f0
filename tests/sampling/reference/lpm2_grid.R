# LPM2 on a 30 x 30 grid by R's BalancedSampling: what tests/sampling/test_lpm2.py compares with.
#
#     cd tests/sampling/reference && Rscript lpm2_grid.R
#
# writes lpm2_grid.json beside itself. The grid has unit spacing, so every inner unit has four
# equidistant nearest neighbours and LPM2's random tie-breaking matters.
suppressMessages(library(BalancedSampling))
draws <- 4000L
side <- 30L
n <- 90L
x <- as.matrix(expand.grid(col = seq_len(side), row = seq_len(side)))
N <- nrow(x)
prob <- rep(n / N, N)
adjacent <- function(s, dx, dy) {
  key <- (x[s, "row"] - 1L) * side + x[s, "col"]
  shifted <- (x[s, "row"] - 1L + dy) * side + x[s, "col"] + dx
  inside <- x[s, "col"] + dx <= side & x[s, "row"] + dy <= side
  sum(shifted[inside] %in% key)
}
set.seed(20260101)
stats <- t(replicate(draws, {
  s <- lpm2(prob, x)
  c(sb = sb(prob, x, s), across = adjacent(s, 1L, 0L), down = adjacent(s, 0L, 1L))
}))
summary <- list(
  package = paste("BalancedSampling", as.character(packageVersion("BalancedSampling"))),
  r = R.version.string, draws = draws, side = side, n = n,
  mean = as.list(colMeans(stats)), sd = as.list(apply(stats, 2, sd))
)
fmt <- function(v) trimws(formatC(v, digits = 15, format = "g"))
json <- sprintf(
  paste0('{\n  "package": "%s",\n  "r": "%s",\n  "draws": %d,\n  "side": %d,\n  "n": %d,\n',
         '  "mean": {"sb": %s, "across": %s, "down": %s},\n',
         '  "sd": {"sb": %s, "across": %s, "down": %s}\n}\n'),
  summary$package, summary$r, draws, side, n,
  fmt(summary$mean$sb), fmt(summary$mean$across), fmt(summary$mean$down),
  fmt(summary$sd$sb), fmt(summary$sd$across), fmt(summary$sd$down)
)
writeLines(json, "lpm2_grid.json", sep = "")
