# R's bounded raking of the problems test_bounded_raking_r.py writes (run in its directory):
#   Rscript bounded_raking.R    # reads problems.csv and problems.json, writes weights.csv
# Each problem: respondents with a design weight w and two margins a, b; population counts
# per category; bounds on g. ok = 0 where calibrate() stops with "Calibration failed".
suppressMessages(library(survey))
data <- read.csv("problems.csv")
problems <- jsonlite::fromJSON("problems.json", simplifyVector = FALSE)
out <- list()
for (k in seq_along(problems)) {
  f <- data[data$problem == k - 1, ]
  p <- problems[[k]]
  a <- unlist(p$margins$a)
  b <- unlist(p$margins$b)
  d <- svydesign(id = ~1, weights = ~w, data = f)
  cal <- tryCatch(
    suppressWarnings(calibrate(d, ~a + b, c(sum(a), a[-1], b[-1]), calfun = "raking", bounds = unlist(p$bounds))),
    error = function(e) NULL
  )
  out[[k]] <- data.frame(problem = k - 1, ok = as.numeric(!is.null(cal)), weight = if (is.null(cal)) NA else weights(cal))
}
write.csv(do.call(rbind, out), "weights.csv", row.names = FALSE)
