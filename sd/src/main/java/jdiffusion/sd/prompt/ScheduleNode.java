package jdiffusion.sd.prompt;

import java.util.List;

/**
 * The prompt-editing syntax tree of {@link ScheduleParser}: verbatim text (plain runs, whitespace,
 * emphasis brackets, stray brackets), sequences, {@code [before:after:when]} and {@code [a|b|...]}.
 */
sealed interface ScheduleNode {

    /** Text copied as is (escapes stay escaped; the emphasis parser resolves them later). */
    record Text(String text) implements ScheduleNode {
    }

    /** Nodes in order. */
    record Seq(List<ScheduleNode> items) implements ScheduleNode {
    }

    /**
     * {@code [before:after:number]} or {@code [after:number]} (then {@code before} is null). The
     * number is kept as written: whether it contains '.' decides fraction vs absolute step.
     */
    record Scheduled(Seq before, Seq after, String number) implements ScheduleNode {
    }

    /** {@code [a|b|...]}; an empty option ({@code [fe|]}) is an empty sequence. */
    record Alternate(List<Seq> options) implements ScheduleNode {
    }
}
