"""Traces in: the current design of a workflow read from OpenTelemetry traces (OTLP JSON).

    otlp.read_spans(raw, filename) -> list[Span]     the spans of OTLP JSON or JSON Lines, checked and capped
    flows.find_flows(spans) -> list[Flow]            traces joined by links into flows: steps, modes, style
    design.to_answers(flow, rulebook) -> Answers     an answers file's content: steps, observed traits, style

Pure: no I/O, no OpenTelemetry package (the files are plain JSON).
"""
