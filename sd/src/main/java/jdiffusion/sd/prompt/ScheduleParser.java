package jdiffusion.sd.prompt;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.nn.tokenizer.PyText;

/**
 * Parser for the webui's prompt-editing grammar (spec §2.2, the lark grammar of
 * {@code prompt_parser.py}):
 *
 * <pre>
 * start      := ( prompt | stray '[' ']' '(' ')' ':' )*
 * prompt     := ( emphasized | scheduled | alternate | plain | WHITESPACE )*
 * emphasized := "(" prompt ")" | "(" prompt ":" prompt ")" | "[" prompt "]"
 * scheduled  := "[" [ prompt ":" ] prompt ":" [WS] NUMBER [WS] "]"
 * alternate  := "[" prompt ( "|" [prompt] )+ "]"
 * plain      := ( any char but \ [ ] ( ) : |  or  '\' + any char but newline )+
 * NUMBER     := [+-]? ( digits [eE] [+-]? digits | (digits '.' digits? | '.' digits) exponent? | digits )
 * </pre>
 *
 * Inside brackets everything must balance; at the top level a bracket or ':' that does not start a
 * complete structure is kept as a literal character, and a complete structure is always read as
 * one. The reference (lark's Earley parser) agrees wherever it is deterministic; when a structure
 * is immediately followed by stray closing characters ({@code "[a:5]]"}) its ambiguity resolution
 * depends on Python's per-process string hashing, and it reads the structure in some runs and the
 * plain text in others — we always read the structure. A '|' outside an alternation, or a backslash with
 * nothing (or a newline) after it, makes the whole prompt unparseable: {@link #parse} returns null
 * and the caller uses the prompt unchanged, as the reference does on a lark error.
 */
final class ScheduleParser {
    /** Brackets nested deeper than this are read as literal characters instead of risking a stack overflow. */
    static final int MAX_DEPTH = 400;

    private final String s;

    private ScheduleParser(String s) {
        this.s = s;
    }

    /** The tree of {@code prompt}, or null when the reference parser would fail. */
    static ScheduleNode.Seq parse(String prompt) {
        return new ScheduleParser(prompt).top();
    }

    private ScheduleNode.Seq top() {
        List<ScheduleNode> items = new ArrayList<>();
        int pos = 0;
        while (pos < s.length()) {
            Result r = prompt(pos, 0);
            if (r == null) {
                return null;
            }
            items.addAll(r.seq.items());
            pos = r.end;
            if (pos >= s.length()) {
                break;
            }
            char c = s.charAt(pos);
            if (c == '[' || c == ']' || c == '(' || c == ')' || c == ':') {
                // A structure starting here failed to parse (prompt() stopped at it): a stray literal.
                items.add(new ScheduleNode.Text(String.valueOf(c)));
                pos++;
            } else {
                return null; // '|' at top level, or a backslash nothing can follow
            }
        }
        return new ScheduleNode.Seq(items);
    }

    private record Result(ScheduleNode.Seq seq, int end) {
    }

    private record NodeResult(ScheduleNode node, int end) {
    }

    /**
     * A {@code prompt} starting at {@code pos}: as many items as parse; stops before a character
     * that cannot continue it (one of {@code ] ) : |}, a bracket whose structure fails, a bad
     * backslash, or the end). Returns null only when the depth limit is exceeded.
     */
    private Result prompt(int pos, int depth) {
        if (depth > MAX_DEPTH) {
            return null;
        }
        List<ScheduleNode> items = new ArrayList<>();
        StringBuilder plain = new StringBuilder();
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == '\\') {
                if (pos + 1 >= s.length() || s.charAt(pos + 1) == '\n') {
                    break;
                }
                int cp = s.codePointAt(pos + 1);
                plain.append('\\').appendCodePoint(cp);
                pos += 1 + Character.charCount(cp);
            } else if (c == '(' || c == '[') {
                NodeResult r = c == '(' ? round(pos, depth + 1) : square(pos, depth + 1);
                if (r == null) {
                    break;
                }
                flush(plain, items);
                items.add(r.node);
                pos = r.end;
            } else if (c == ']' || c == ')' || c == ':' || c == '|') {
                break;
            } else {
                plain.append(c);
                pos++;
            }
        }
        flush(plain, items);
        return new Result(new ScheduleNode.Seq(items), pos);
    }

    private static void flush(StringBuilder plain, List<ScheduleNode> items) {
        if (!plain.isEmpty()) {
            items.add(new ScheduleNode.Text(plain.toString()));
            plain.setLength(0);
        }
    }

    /** {@code "(" prompt ")"} or {@code "(" prompt ":" prompt ")"}, kept verbatim. */
    private NodeResult round(int pos, int depth) {
        Result a = prompt(pos + 1, depth);
        if (a == null || a.end >= s.length()) {
            return null;
        }
        List<ScheduleNode> items = new ArrayList<>();
        items.add(new ScheduleNode.Text("("));
        items.add(a.seq);
        char c = s.charAt(a.end);
        if (c == ')') {
            items.add(new ScheduleNode.Text(")"));
            return new NodeResult(new ScheduleNode.Seq(items), a.end + 1);
        }
        if (c != ':') {
            return null;
        }
        Result b = prompt(a.end + 1, depth);
        if (b == null || b.end >= s.length() || s.charAt(b.end) != ')') {
            return null;
        }
        items.add(new ScheduleNode.Text(":"));
        items.add(b.seq);
        items.add(new ScheduleNode.Text(")"));
        return new NodeResult(new ScheduleNode.Seq(items), b.end + 1);
    }

    /** {@code [prompt]} (verbatim), a scheduled edit, or an alternation. */
    private NodeResult square(int pos, int depth) {
        Result a = prompt(pos + 1, depth);
        if (a == null || a.end >= s.length()) {
            return null;
        }
        char c = s.charAt(a.end);
        if (c == ']') {
            return new NodeResult(new ScheduleNode.Seq(List.of(
                    new ScheduleNode.Text("["), a.seq, new ScheduleNode.Text("]"))), a.end + 1);
        }
        if (c == '|') {
            List<ScheduleNode.Seq> options = new ArrayList<>();
            options.add(a.seq);
            int p = a.end;
            while (p < s.length() && s.charAt(p) == '|') {
                Result o = prompt(p + 1, depth);
                if (o == null) {
                    return null;
                }
                options.add(o.seq);
                p = o.end;
            }
            if (p >= s.length() || s.charAt(p) != ']') {
                return null;
            }
            return new NodeResult(new ScheduleNode.Alternate(options), p + 1);
        }
        if (c != ':') {
            return null;
        }
        // [after:NUMBER] ?
        int numEnd = numberClose(a.end + 1);
        if (numEnd > 0) {
            return new NodeResult(new ScheduleNode.Scheduled(null, a.seq, number(a.end + 1)), numEnd);
        }
        // [before:after:NUMBER]
        Result b = prompt(a.end + 1, depth);
        if (b == null || b.end >= s.length() || s.charAt(b.end) != ':') {
            return null;
        }
        numEnd = numberClose(b.end + 1);
        if (numEnd < 0) {
            return null;
        }
        return new NodeResult(new ScheduleNode.Scheduled(a.seq, b.seq, number(b.end + 1)), numEnd);
    }

    /** After a ':' at {@code p - 1}: {@code [WS] NUMBER [WS] "]"}; the index after ']' or -1. */
    private int numberClose(int p) {
        int start = skipSpace(p);
        int end = numberEnd(start);
        if (end < 0) {
            return -1;
        }
        end = skipSpace(end);
        return end < s.length() && s.charAt(end) == ']' ? end + 1 : -1;
    }

    private String number(int p) {
        int start = skipSpace(p);
        return s.substring(start, numberEnd(start));
    }

    private int skipSpace(int p) {
        while (p < s.length() && PyText.isSpace(s.codePointAt(p))) {
            p += Character.charCount(s.codePointAt(p));
        }
        return p;
    }

    /**
     * lark's SIGNED_NUMBER as its regex matches (ordered alternatives: exponent float, decimal with
     * optional exponent, integer; ASCII digits). The end index, or -1.
     */
    private int numberEnd(int p) {
        int i = p;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int d = digits(i);
        // INT _EXP
        if (d > i) {
            int e = exponent(d);
            if (e > 0) {
                return e;
            }
        }
        // DECIMAL _EXP?  with DECIMAL = INT "." INT? | "." INT
        int decEnd = -1;
        if (d > i && d < s.length() && s.charAt(d) == '.') {
            decEnd = digits(d + 1);
        } else if (d == i && i < s.length() && s.charAt(i) == '.' && digits(i + 1) > i + 1) {
            decEnd = digits(i + 1);
        }
        if (decEnd > 0) {
            int e = exponent(decEnd);
            return e > 0 ? e : decEnd;
        }
        // INT
        return d > i ? d : -1;
    }

    private int digits(int p) {
        while (p < s.length() && s.charAt(p) >= '0' && s.charAt(p) <= '9') {
            p++;
        }
        return p;
    }

    /** {@code [eE] [+-]? digits} at p: its end, or -1. */
    private int exponent(int p) {
        if (p >= s.length() || (s.charAt(p) != 'e' && s.charAt(p) != 'E')) {
            return -1;
        }
        int q = p + 1;
        if (q < s.length() && (s.charAt(q) == '+' || s.charAt(q) == '-')) {
            q++;
        }
        int d = digits(q);
        return d > q ? d : -1;
    }
}
