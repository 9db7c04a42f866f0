# Reference values from R survey for tests/cati/stats (run from this directory):
#   Rscript make_reference.R            # writes reference.json and the data CSVs beside it
# Data: data(api) and data(scd) from the R package survey (GPL-2/3), written as CSV.
suppressMessages(library(survey))
data(api); data(scd); data(nhanes)
out <- list()
put <- function(name, value) out[[name]] <<- unname(as.numeric(value))
est <- function(name, x) { put(paste0(name, ".value"), coef(x)); put(paste0(name, ".se"), SE(x)) }

write.csv(apiclus1, "apiclus1.csv", row.names = FALSE)
write.csv(apiclus2, "apiclus2.csv", row.names = FALSE)
write.csv(scd, "scd.csv", row.names = FALSE)

dclus1 <- svydesign(id = ~dnum, weights = ~pw, data = apiclus1, fpc = ~fpc)
dclus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)
dclus2wr <- svydesign(id = ~dnum + snum, weights = ~pw, data = apiclus2)
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = apistrat, fpc = ~fpc)

# 2. designs
est("clus1.mean.api00", svymean(~api00, dclus1))
est("clus1.total.enroll", svytotal(~enroll, dclus1))
put("clus1.df", degf(dclus1))
est("clus2.mean.api00", svymean(~api00, dclus2))
est("clus2.total.api.stu", svytotal(~api.stu, dclus2))
put("clus2.df", degf(dclus2))
est("clus2wr.mean.api00", svymean(~api00, dclus2wr))
est("clus2wr.total.api.stu", svytotal(~api.stu, dclus2wr))

# One stratum (H) with a single district: lonely PSU options.
lonely <- rbind(subset(apistrat, stype != "H"), subset(apistrat, stype == "H" & dnum == 401))
write.csv(lonely, "lonely.csv", row.names = FALSE)
for (option in c("remove", "certainty", "average", "adjust")) {
  options(survey.lonely.psu = option)
  d <- svydesign(id = ~dnum, strata = ~stype, weights = ~pw, data = lonely, nest = TRUE)
  est(paste0("lonely.", option, ".mean.api00"), svymean(~api00, d))
  est(paste0("lonely.", option, ".total.enroll"), svytotal(~enroll, d))
}
options(survey.lonely.psu = "fail")

# 1. calibration on dclus1 to the apipop margins
pop.types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop.schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = as.vector(table(apipop$sch.wide)))
put("pop.schwide", pop.schwide$Freq)
ps <- postStratify(dclus1, ~stype, pop.types)
est("ps.mean.api00", svymean(~api00, ps))
est("ps.total.enroll", svytotal(~enroll, ps))
est("ps.mean.stypeE", svymean(~I(as.numeric(stype == "E")), ps))
rk <- rake(dclus1, list(~stype, ~sch.wide), list(pop.types, pop.schwide))
put("rake.weights", weights(rk))
est("rake.mean.api00", svymean(~api00, rk))
est("rake.total.enroll", svytotal(~enroll, rk))
est("rake.mean.stypeE", svymean(~I(as.numeric(stype == "E")), rk))
totals <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch.wideYes = pop.schwide$Freq[2])
for (calfun in c("linear", "raking")) {
  cal <- calibrate(dclus1, ~stype + sch.wide, totals, calfun = calfun)
  put(paste0("cal.", calfun, ".weights"), weights(cal))
  est(paste0("cal.", calfun, ".mean.api00"), svymean(~api00, cal))
  est(paste0("cal.", calfun, ".total.enroll"), svytotal(~enroll, cal))
  est(paste0("cal.", calfun, ".mean.stypeE"), svymean(~I(as.numeric(stype == "E")), cal))
}

# 2. replicate designs
repweights <- 2 * cbind(c(1, 0, 1, 0, 1, 0), c(1, 0, 0, 1, 0, 1), c(0, 1, 1, 0, 0, 1), c(0, 1, 0, 1, 1, 0))
scdrep <- svrepdesign(data = scd, type = "BRR", repweights = repweights, combined.weights = FALSE)
est("scd.brr.mean.arrests", svymean(~arrests, scdrep))
est("scd.brr.total.alive", svytotal(~alive, scdrep))
put("scd.brr.df", degf(scdrep))
scdfay <- svrepdesign(data = scd, type = "Fay", rho = 0.3, repweights = 1.7 * repweights / 2 + 0.3 * (2 - repweights) / 2, combined.weights = FALSE)
est("scd.fay.mean.arrests", svymean(~arrests, scdfay))
jkn <- as.svrepdesign(dstrat, type = "JKn")
est("strat.jkn.mean.api00", svymean(~api00, jkn))
est("strat.jkn.total.enroll", svytotal(~enroll, jkn))
jk1 <- as.svrepdesign(dclus1, type = "JK1")
est("clus1.jk1.mean.api00", svymean(~api00, jk1))
est("clus1.jk1.total.enroll", svytotal(~enroll, jk1))
put("clus1.jk1.df", degf(jk1))
est("clus1.jk1mse.mean.api00", svymean(~api00, as.svrepdesign(dclus1, type = "JK1", mse = TRUE)))
# the same replicate weights given to svrepdesign: its JK1 scale (R - 1)/R, without the fpc
given <- svrepdesign(data = apiclus1, repweights = weights(jk1, "analysis"), weights = ~pw, type = "JK1", combined.weights = TRUE)
est("clus1.jk1given.mean.api00", svymean(~api00, given))
scdd <- svydesign(ids = ~ambulance, strata = ~ESA, data = scd, weights = ~I(rep(1, 6)), nest = TRUE)
fay <- as.svrepdesign(scdd, type = "Fay", fay.rho = 0.3)
est("scd.fayd.total.alive", svytotal(~alive, fay))
set.seed(42)
boot <- as.svrepdesign(dclus1, type = "bootstrap", replicates = 50)
bw <- weights(boot, "analysis")
colnames(bw) <- paste0("rep", 1:50)
write.csv(data.frame(pw = apiclus1$pw, bw), "apiclus1_bootstrap.csv", row.names = FALSE)
put("clus1.boot.scale", boot$scale)
est("clus1.boot.mean.api00", svymean(~api00, boot))

# 3. estimates
m <- svymean(~api00, dclus1, deff = TRUE); put("clus1.deff.api00", deff(m))
m <- svymean(~api00, dclus1, deff = "replace"); put("clus1.deffr.api00", deff(m))
m <- svytotal(~enroll, dclus1, deff = TRUE); put("clus1.deff.total.enroll", deff(m))
m <- svymean(~api00, dstrat, deff = TRUE); put("strat.deff.api00", deff(m))
for (method in c("logit", "beta", "mean", "asin", "likelihood", "xlogit")) {
  ci <- svyciprop(~I(sch.wide == "Yes"), dclus1, method = method)
  put(paste0("clus1.ciprop.", method), c(coef(ci), confint(ci)))
}
r <- svyratio(~api.stu, ~enroll, dclus1)
put("clus1.ratio", c(coef(r), SE(r)))
r <- svyratio(~api.stu, ~enroll, jk1)
put("clus1.jk1.ratio", c(coef(r), SE(r)))
b <- svyby(~api00, ~stype, dclus1, svymean)
put("clus1.by.stype", c(coef(b), SE(b)))
b <- svyby(~api00, ~stype, jk1, svymean)
put("clus1.jk1.by.stype", c(coef(b), SE(b)))
t <- svyttest(api00 ~ sch.wide, dclus1)
put("clus1.ttest", c(t$estimate, t$statistic, t$parameter, t$p.value))
g <- svyglm(api00 ~ ell + meals, design = dclus1)
put("clus1.glm", c(coef(g), SE(g)))
g <- svyglm(I(sch.wide == "Yes") ~ ell, design = dclus1, family = quasibinomial())
put("clus1.logit", c(coef(g), SE(g)))
g <- svyglm(api00 ~ ell + meals, design = rk)
put("rake.glm", c(coef(g), SE(g)))


# quantiles and regression on every kind of design
q <- svyquantile(~api00, dclus1, 0.5, ci = TRUE)
put("clus1.median.api00", c(coef(q), confint(q), SE(q)))
q <- svyquantile(~api00, jk1, 0.5, ci = TRUE)
put("clus1.jk1.median.api00", c(coef(q), confint(q), SE(q)))
q <- svyquantile(~api00, rk, 0.5, ci = TRUE)
put("rake.median.api00", c(coef(q), confint(q), SE(q)))
g <- svyglm(api00 ~ ell + meals, design = jk1)
put("clus1.jk1.glm", c(coef(g), SE(g)))
# the t-test and the logistic regression on the replicate design too
t <- svyttest(api00 ~ sch.wide, jk1)
put("clus1.jk1.ttest", c(t$estimate, t$statistic, t$parameter, t$p.value))
g <- svyglm(I(sch.wide == "Yes") ~ ell, design = jk1, family = quasibinomial())
put("clus1.jk1.logit", c(coef(g), SE(g)))

# trimming: R adds the trimmed amount in equal parts to the weights inside the bounds
put("trim.weights", weights(trimWeights(rk, upper = 45, lower = 30)))
put("trim.strict.weights", weights(trimWeights(rk, upper = 45, lower = 30, strict = TRUE)))

# Rao-Scott on a cluster design and on a raked one: denominator df = ndf x design df
for (name in c("clus1", "rake", "clus1.jk1")) {
  d <- switch(name, clus1 = dclus1, rake = rk, clus1.jk1 = jk1)
  x <- svychisq(~stype + awards, d)
  put(paste0(name, ".chisq"), c(x$statistic, x$parameter, x$p.value))
}

# calibrating a replicate design recalibrates every replicate
jk1.ps <- postStratify(jk1, ~stype, pop.types)
est("jk1.ps.mean.api00", svymean(~api00, jk1.ps))
est("jk1.ps.total.enroll", svytotal(~enroll, jk1.ps))
jk1.rk <- rake(jk1, list(~stype, ~sch.wide), list(pop.types, pop.schwide))
est("jk1.rake.mean.api00", svymean(~api00, jk1.rk))
est("jk1.rake.total.enroll", svytotal(~enroll, jk1.rk))
for (calfun in c("linear", "raking")) {
  cal <- calibrate(jk1, ~stype + sch.wide, totals, calfun = calfun)
  est(paste0("jk1.cal.", calfun, ".mean.api00"), svymean(~api00, cal))
  est(paste0("jk1.cal.", calfun, ".total.enroll"), svytotal(~enroll, cal))
}

# proportion intervals and design effects on a replicate design
for (method in c("logit", "beta", "mean", "asin", "xlogit")) {
  ci <- svyciprop(~I(sch.wide == "Yes"), jk1, method = method)
  put(paste0("clus1.jk1.ciprop.", method), c(coef(ci), confint(ci)))
}
# The likelihood interval on a replicate design: survey 4.1's residuals.svrepglm scales the
# Pearson residuals by sqrt(n) (the weights over their sum where their mean was meant), so the
# dispersion is n, the profile never reaches its cut-off and svyciprop gives NA. With the
# residuals (y - mu)/sqrt(V(mu)) of the Taylor design it gives the interval cati computes.
ci <- svyciprop(~I(sch.wide == "Yes"), jk1, method = "likelihood")
put("clus1.jk1.ciprop.likelihood.stock.na", as.numeric(is.na(confint(ci))))
taylor.residuals <- function(object, type = c("deviance", "pearson", "working", "response", "partial"), ...) {
  type <- match.arg(type)
  if (type != "pearson") return(NextMethod())
  (object$y - object$fitted.values) / sqrt(object$family$variance(object$fitted.values))
}
stock.residuals <- survey:::residuals.svrepglm
assignInNamespace("residuals.svrepglm", taylor.residuals, "survey")
ci <- svyciprop(~I(sch.wide == "Yes"), jk1, method = "likelihood")
put("clus1.jk1.ciprop.likelihood", c(coef(ci), confint(ci)))
assignInNamespace("residuals.svrepglm", stock.residuals, "survey")
m <- svymean(~api00, jk1, deff = TRUE); put("clus1.jk1.deff.api00", deff(m))

# a factor predictor: treatment contrasts, first level (sorted) the baseline
g <- svyglm(api00 ~ stype + ell, design = dclus1)
put("clus1.glm.factor", c(coef(g), SE(g)))
b <- svyby(~api00, ~stype, dclus1, svymean, deff = TRUE)
put("clus1.by.stype.deff", deff(b))

# lonely units at the second stage: keep one school in the first districts with several
several <- names(which(table(apiclus2$dnum) > 1))[1:4]
drop <- apiclus2$dnum %in% several & duplicated(apiclus2$dnum)
lonely2 <- apiclus2[!drop, ]
write.csv(lonely2, "lonely2.csv", row.names = FALSE)
# ("average" gives NaN in R here: each district is one stratum of its own at stage 2)
for (option in c("remove", "adjust")) {
  options(survey.lonely.psu = option)
  d <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = lonely2)
  est(paste0("lonely2.", option, ".mean.api00"), svymean(~api00, d))
  est(paste0("lonely2.", option, ".total.api.stu"), svytotal(~api.stu, d))
}
options(survey.lonely.psu = "fail")

# domains of calibrated designs keep the calibration
b <- svyby(~api00, ~awards, rk, svymean)
put("rake.by.awards", c(coef(b), SE(b)))
b <- svyby(~api00, ~awards, calibrate(dclus1, ~stype + sch.wide, totals), svymean)
put("cal.linear.by.awards", c(coef(b), SE(b)))
# toplines and banner books (exports/topline.py) on a project's design: a share with
# svyciprop(method = "logit") (t on the design's df), a mean with its t interval; on the
# stratified design, the raked cluster design, the raked design trimmed (trimWeights) and
# the JK1 replicates of the cluster design (the logit refitted per replicate)
trimmed <- trimWeights(rk, upper = 45, strict = TRUE)
put("topline.trimmed.weights", weights(trimmed))
for (name in c("dstrat", "rk", "trimmed", "jk1")) {
  d <- get(name)
  ci <- svyciprop(~I(awards == "Yes"), d, method = "logit")
  put(paste0("topline.", name, ".awards"), c(coef(ci), SE(ci), attr(ci, "ci")))
  m <- svymean(~api00, d)
  put(paste0("topline.", name, ".api00"), c(coef(m), SE(m), confint(m, df = degf(d))))
}
# banner letters on a design: the domains' svyby SEs (a column pair differs when
# |a − b| / sqrt(se_a² + se_b²) passes the t test on degf)
b <- svyby(~I(as.numeric(awards == "Yes")), ~stype, rk, svymean)
put("banner.rk.awards.by.stype", c(coef(b), SE(b)))
b <- svyby(~api00, ~stype, rk, svymean)
put("banner.rk.api00.by.stype", c(coef(b), SE(b)))
put("banner.rk.df", degf(rk))
# the methodology's margin of error on a design: the mean deff="replace" of the report's
# proportions (every category of sch.wide, awards, yr.rnd, both.), n over it the effective
# base, 1.96 * sqrt(0.25 / that) the margin at p = 50%
props <- unlist(lapply(c("sch.wide", "awards", "yr.rnd", "both"), function(v) {
  sapply(levels(factor(apiclus1[[v]])), function(level) {
    f <- as.formula(paste0("~I(as.numeric(", v, " == '", level, "'))"))
    deff(svymean(f, dclus1, deff = "replace"))
  })
}))
put("moe.clus1.deffs", props)
put("moe.clus1.margin", 100 * 1.96 * sqrt(0.25 * mean(props) / nrow(apiclus1)))
# svyciprop on two more designs: apistrat (strata, fpc) and nhanes (15 strata, 31 PSUs; 745
# of 8591 without a cholesterol value): on all of it (na.rm) and among women (a domain)
nhanes.cols <- c("SDMVPSU", "SDMVSTRA", "WTMEC2YR", "HI_CHOL", "RIAGENDR")
write.csv(nhanes[nhanes.cols], "nhanes.csv", row.names = FALSE)
dnhanes <- svydesign(id = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR, nest = TRUE, data = nhanes)
put("nhanes.df", degf(dnhanes))
for (method in c("logit", "beta", "mean", "asin", "likelihood", "xlogit")) {
  ci <- svyciprop(~I(sch.wide == "Yes"), dstrat, method = method)
  put(paste0("strat.ciprop.", method), c(coef(ci), confint(ci)))
}
for (method in c("logit", "beta", "mean", "asin", "xlogit")) {
  ci <- svyciprop(~I(HI_CHOL == 1), dnhanes, method = method, na.rm = TRUE)
  put(paste0("nhanes.ciprop.", method), c(coef(ci), confint(ci)))
}
# (beta counts the rows of the design it is given: a subset's own rows, so a domain is left out)
for (method in c("logit", "mean", "asin", "xlogit")) {
  ci <- svyciprop(~I(HI_CHOL == 1), subset(dnhanes, RIAGENDR == 2), method = method, na.rm = TRUE)
  put(paste0("nhanes.women.ciprop.", method), c(coef(ci), confint(ci)))
}
# The likelihood interval's model has the rows with a value: a subset of them. (With na.rm,
# glm drops the rows instead and the Pearson residuals then carry the ratio of the mean
# weight answered to the mean weight of all rows, which scales the dispersion: that interval
# is stored too, to say by how much it differs.)
answered <- subset(dnhanes, !is.na(HI_CHOL))
ci <- svyciprop(~I(HI_CHOL == 1), answered, method = "likelihood")
put("nhanes.ciprop.likelihood", c(coef(ci), confint(ci)))
ci <- svyciprop(~I(HI_CHOL == 1), subset(answered, RIAGENDR == 2), method = "likelihood")
put("nhanes.women.ciprop.likelihood", c(coef(ci), confint(ci)))
ci <- svyciprop(~I(HI_CHOL == 1), dnhanes, method = "likelihood")
put("nhanes.ciprop.likelihood.na.omit", c(coef(ci), confint(ci)))

# bounded raking: calibrate(calfun = "raking", bounds = ) (rake() takes no bounds); the
# weights on the design's scale, and on unit weights with population totals, which grake
# first scales by the mean of total / sample total (the bounds then apply after that)
bounds <- list(wide = c(0.5, 1.9), tight = c(0.9, 1.9))
for (name in names(bounds)) {
  cal <- calibrate(dclus1, ~stype + sch.wide, totals, calfun = "raking", bounds = bounds[[name]])
  put(paste0("bounded.", name, ".weights"), weights(cal))
  est(paste0("bounded.", name, ".mean.api00"), svymean(~api00, cal))
  est(paste0("bounded.", name, ".total.enroll"), svytotal(~enroll, cal))
  est(paste0("bounded.", name, ".mean.stypeE"), svymean(~I(as.numeric(stype == "E")), cal))
}
unit <- svydesign(id = ~dnum, weights = ~I(rep(1, nrow(apiclus1))), data = apiclus1)
cal <- suppressWarnings(calibrate(unit, ~stype + sch.wide, totals, calfun = "raking", bounds = bounds$wide))
put("bounded.unit.weights", weights(cal))
est("bounded.unit.mean.api00", svymean(~api00, cal))
# on the JK1 replicates every replicate is calibrated within the bounds; with these, R's
# iterations converge for all of them (and the lower bound binds in seven replicates)
cal <- calibrate(jk1, ~stype + sch.wide, totals, calfun = "raking", bounds = c(0.85, 2.5))
est("jk1.bounded.mean.api00", svymean(~api00, cal))
est("jk1.bounded.total.enroll", svytotal(~enroll, cal))
writeLines(jsonlite::toJSON(out, digits = I(15), auto_unbox = FALSE, pretty = TRUE), "reference.json")
