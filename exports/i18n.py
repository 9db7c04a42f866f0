"""The fixed words of the reports in Spanish and English."""

from __future__ import annotations

LANGUAGES = ("es", "en")

WORDS: dict[str, dict[str, str]] = {
    "topline": {"en": "Topline results", "es": "Resultados generales"},
    "banner": {"en": "Banner tables", "es": "Tablas cruzadas"},
    "fieldwork": {"en": "Fieldwork report", "es": "Informe de campo"},
    "questionnaire": {"en": "Questionnaire", "es": "Cuestionario"},
    "codebook": {"en": "Codebook", "es": "Libro de códigos"},
    "client": {"en": "Client", "es": "Cliente"},
    "logo": {"en": "Logo", "es": "Logotipo"},
    "logo_of": {"en": "Logo of {agency}", "es": "Logotipo de {agency}"},
    "chart_of": {"en": "Chart: {title}", "es": "Gráfico: {title}"},
    "field_dates": {"en": "Fieldwork", "es": "Trabajo de campo"},
    "prepared": {"en": "Report date", "es": "Fecha del informe"},
    "contents": {"en": "Contents", "es": "Índice"},
    "page": {"en": "Page", "es": "Página"},
    "methodology": {"en": "Methodology", "es": "Ficha técnica"},
    "sample_design": {"en": "Sample design", "es": "Diseño muestral"},
    "universe": {"en": "Universe", "es": "Universo"},
    "mode": {"en": "Data collection", "es": "Recogida de datos"},
    "n": {"en": "Interviews (n)", "es": "Entrevistas (n)"},
    "weighting": {"en": "Weighting", "es": "Ponderación"},
    "variance": {"en": "Standard errors", "es": "Errores estándar"},
    "moe": {"en": "Margin of error", "es": "Margen de error"},
    "moe_note": {
        "en": "±{moe} points for a proportion of 50% at 95% confidence (effective base {base})",
        "es": "±{moe} puntos para una proporción del 50% con un 95% de confianza "
        "(base efectiva {base})",
    },
    "moe_design": {
        "en": "±{moe} points for a proportion of 50% at 95% confidence, from the design: "
        "the mean design effect of the report's proportions, {deff}, gives an effective "
        "base of {base}",
        "es": "±{moe} puntos para una proporción del 50% con un 95% de confianza, según el "
        "diseño: el efecto de diseño medio de las proporciones del informe, {deff}, da una "
        "base efectiva de {base}",
    },
    "unweighted": {"en": "Unweighted", "es": "Sin ponderar"},
    "answer": {"en": "Answer", "es": "Respuesta"},
    "count": {"en": "n", "es": "n"},
    "percent": {"en": "%", "es": "%"},
    "ci": {"en": "95% CI", "es": "IC 95%"},
    "base": {"en": "Base", "es": "Base"},
    "base_note": {
        "en": "Base: {n} respondents asked (weighted {w}, effective {e})",
        "es": "Base: {n} entrevistados a los que se preguntó (ponderada {w}, efectiva {e})",
    },
    "weighted_pct_note": {
        "en": "Weighted percentages; 95% intervals from the design-based standard error "
        "(logit, t on the design's degrees of freedom; see the methodology).",
        "es": "Porcentajes ponderados; intervalos al 95% del error estándar del diseño "
        "(logit, t con los grados de libertad del diseño; véase la ficha técnica).",
    },
    "mean": {"en": "Mean", "es": "Media"},
    "median": {"en": "Median", "es": "Mediana"},
    "sd": {"en": "Standard deviation", "es": "Desviación típica"},
    "top_box": {"en": "Top 2 box ({points})", "es": "Dos puntos superiores ({points})"},
    "bottom_box": {"en": "Bottom 2 box ({points})", "es": "Dos puntos inferiores ({points})"},
    "nps": {"en": "Net Promoter Score", "es": "Net Promoter Score (NPS)"},
    "promoters": {"en": "Promoters (9–10)", "es": "Promotores (9–10)"},
    "passives": {"en": "Passives (7–8)", "es": "Pasivos (7–8)"},
    "detractors": {"en": "Detractors (0–6)", "es": "Detractores (0–6)"},
    "total": {"en": "Total", "es": "Total"},
    "weighted_base": {"en": "Weighted base", "es": "Base ponderada"},
    "unweighted_base": {"en": "Unweighted base", "es": "Base sin ponderar"},
    "legend": {"en": "How to read the tables", "es": "Cómo leer las tablas"},
    "legend_letters": {
        "en": "A letter in a cell: the column is significantly higher than the column with "
        "that letter (upper case at {high}%, lower case at {low}% confidence; column "
        "proportions test for percentages, t-test for means and the NPS, on effective "
        "bases, columns of the same banner variable only).",
        "es": "Una letra en una celda: la columna es significativamente mayor que la columna "
        "con esa letra (mayúscula al {high}%, minúscula al {low}% de confianza; prueba de "
        "proporciones de columnas para porcentajes, prueba t para medias y NPS, sobre bases "
        "efectivas, solo entre columnas de la misma variable de cabecera).",
    },
    "legend_adjustment": {
        "en": "P-values adjusted for multiple comparisons within each row ({method}).",
        "es": "Valores p ajustados por comparaciones múltiples en cada fila ({method}).",
    },
    "bonferroni": {"en": "Bonferroni", "es": "Bonferroni"},
    "fdr": {
        "en": "Benjamini–Hochberg false discovery rate",
        "es": "tasa de falsos descubrimientos de Benjamini–Hochberg",
    },
    "legend_low": {
        "en": "* low base (under {low} respondents): read with caution; "
        "columns under {min} are not tested.",
        "es": "* base baja (menos de {low} entrevistados): interpretar con cautela; "
        "las columnas con menos de {min} no se comparan.",
    },
    "outcomes": {"en": "Call outcomes", "es": "Resultados de las llamadas"},
    "final_dispositions": {"en": "Final dispositions", "es": "Disposiciones finales"},
    "outcome": {"en": "Outcome", "es": "Resultado"},
    "aapor": {"en": "AAPOR", "es": "AAPOR"},
    "cases": {"en": "Cases", "es": "Casos"},
    "rates": {"en": "AAPOR outcome rates", "es": "Tasas AAPOR"},
    "rate": {"en": "Rate", "es": "Tasa"},
    "value": {"en": "Value", "es": "Valor"},
    "progress": {"en": "Progress over time", "es": "Evolución del campo"},
    "calls_per_day": {"en": "Calls per day", "es": "Llamadas por día"},
    "completes_cumulative": {"en": "Completes (cumulative)", "es": "Entrevistas (acumuladas)"},
    "day": {"en": "Day", "es": "Día"},
    "calls": {"en": "Calls", "es": "Llamadas"},
    "completes": {"en": "Completes", "es": "Entrevistas"},
    "regions": {"en": "Completes by region", "es": "Entrevistas por región"},
    "region": {"en": "Region", "es": "Región"},
    "target": {"en": "Target", "es": "Objetivo"},
    "achieved": {"en": "Achieved", "es": "Conseguido"},
    "interviewers": {"en": "Interviewer performance", "es": "Rendimiento de entrevistadores"},
    "interviewer": {"en": "Interviewer", "es": "Entrevistador"},
    "hours": {"en": "Hours", "es": "Horas"},
    "calls_hour": {"en": "Calls/hour", "es": "Llamadas/hora"},
    "completes_hour": {"en": "Completes/hour", "es": "Entrevistas/hora"},
    "avg_length": {"en": "Avg. length (min)", "es": "Duración media (min)"},
    "refusal_rate": {"en": "Refusal rate", "es": "Tasa de rechazo"},
    "kpi_note": {
        "en": "Hours: logged-in time (all statuses but offline). Refusal rate: refusals "
        "among contacts.",
        "es": "Horas: tiempo conectado (todos los estados salvo desconectado). Tasa de "
        "rechazo: rechazos entre contactos.",
    },
    "variable": {"en": "Variable", "es": "Variable"},
    "label": {"en": "Label", "es": "Etiqueta"},
    "type": {"en": "Type", "es": "Tipo"},
    "values": {"en": "Values", "es": "Valores"},
    "missing": {"en": "Missing values", "es": "Valores perdidos"},
    "none": {"en": "none", "es": "ninguna"},
    "no_data": {"en": "No data yet.", "es": "Todavía no hay datos."},
    "approval": {
        "en": "For client approval: please check wording, routing and answer codes.",
        "es": "Para aprobación del cliente: revise la redacción, los filtros y los códigos.",
    },
}


def fixed(value: float, decimals: int = 0, *, sign: bool = False) -> str:
    """``value`` with ``decimals`` decimals; a value that rounds to zero prints without a
    minus sign (``-0.04`` is ``0.0``, never ``-0.0``). ``sign`` puts ``+`` on positives."""
    if round(value, decimals) == 0:
        return f"{0:.{decimals}f}"
    return f"{value:{'+' if sign else ''}.{decimals}f}"


def words(language: str) -> dict[str, str]:
    """All words in ``language`` (English for an unknown one)."""
    language = language if language in LANGUAGES else "en"
    return {key: texts[language] for key, texts in WORDS.items()}
