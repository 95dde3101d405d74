package jdiffusion.loaders.pickle;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import jdiffusion.loaders.ModelFormatException;

/**
 * A restricted pickle virtual machine: the opcodes of protocols 0-5 that {@code torch.save} and
 * ordinary containers need, over inert values ({@link Py}). Globals are checked against
 * {@link TorchGlobals} the moment they are read, so a pickle naming {@code os.system} fails before
 * anything could be called; calls of allowed globals are plain Java functions.
 *
 * <p>Every size comes from the file and is checked before use: strings and byte strings cannot be
 * longer than what is left of the input (nor {@link #MAX_STRING_BYTES}), the stack, the memo and the
 * number of objects built are capped, and every opcode consumes at least one byte, so a run ends
 * after at most as many steps as the input has bytes.
 */
public final class PickleMachine {
    /** Longest str/bytes value accepted. */
    static final long MAX_STRING_BYTES = 64L * 1024 * 1024;
    /** Most values on the stack at once. */
    static final int MAX_STACK = 1 << 20;
    /** Most objects (containers, strings, items) a pickle may build. */
    static final long MAX_OBJECTS = 16L * 1024 * 1024;
    /** Longest line of a text opcode (protocol 0). */
    static final int MAX_LINE = PickleInput.MAX_LINE;


    private final PickleInput in;
    private final String source;
    private final Function<Object, Object> persistentLoad;
    private long opStart;
    private long objects;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private PickleMachine(MemorySegment in, long start, long limit, String source,
                          Function<Object, Object> persistentLoad) {
        this.in = new PickleInput(in, start, limit, this::fail);
        this.source = source;
        this.persistentLoad = persistentLoad;
    }

    /** The value of one pickle and the byte just after its STOP opcode. */
    public record Result(Object value, long end) {
    }

    /**
     * Runs the pickle starting at byte {@code start} of {@code in} (reading no further than
     * {@code limit}) until its STOP opcode.
     *
     * @param source         names the file in error messages
     * @param persistentLoad resolves BINPERSID/PERSID ids (torch storages); may throw
     *                       {@link ModelFormatException}; null refuses persistent ids
     */
    public static Result run(MemorySegment in, long start, long limit, String source,
                             Function<Object, Object> persistentLoad) {
        if (start < 0 || limit > in.byteSize() || start > limit) {
            throw new IllegalArgumentException("range [" + start + ", " + limit + ") outside " + in.byteSize() + " bytes");
        }
        return new PickleMachine(in, start, limit, source, persistentLoad).execute();
    }

    private Result execute() {
        while (true) {
            opStart = in.position();
            int op = in.u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int v = in.u8();
                    if (v > 5) {
                        throw fail("unsupported pickle protocol " + v);
                    }
                }
                case 0x95 -> { // FRAME: a length hint only
                    long n = in.i64();
                    if (n < 0 || n > in.remaining()) {
                        throw fail("frame of " + n + " bytes exceeds the input");
                    }
                }
                case '.' -> { // STOP
                    if (stack.size() != 1 || !marks.isEmpty()) {
                        throw fail("STOP with " + stack.size() + " values on the stack (expected exactly 1)");
                    }
                    return new Result(stack.getFirst(), in.position());
                }
                case '(' -> { // MARK: remembered as a stack position
                    if (marks.size() >= MAX_STACK) {
                        throw fail("more than " + MAX_STACK + " open MARKs");
                    }
                    marks.add(stack.size());
                }
                case '0' -> { // POP: a value, or the mark itself when the frame is empty
                    int floor = marks.isEmpty() ? 0 : marks.getLast();
                    if (stack.size() > floor) {
                        stack.removeLast();
                    } else {
                        popMark();
                    }
                }
                case '1' -> popMark(); // POP_MARK
                case '2' -> push(peek()); // DUP
                case 'N' -> push(Py.None.NONE);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'J' -> push((long) in.i32()); // BININT
                case 'K' -> push((long) in.u8()); // BININT1
                case 'M' -> push((long) in.u16()); // BININT2
                case 0x8a -> push(PickleInput.longOf(bytes(in.u8()))); // LONG1
                case 0x8b -> push(PickleInput.longOf(bytes(in.length(in.i32() & 0xffffffffL)))); // LONG4
                case 'I' -> push(in.textInt(in.line())); // INT
                case 'L' -> push(in.textLong(in.line())); // LONG
                case 'G' -> push(in.f64be()); // BINFLOAT
                case 'F' -> push(in.textFloat(in.line())); // FLOAT
                case 'X' -> push(string(in.length(in.i32() & 0xffffffffL))); // BINUNICODE
                case 0x8c -> push(string(in.u8())); // SHORT_BINUNICODE
                case 0x8d -> push(string(in.length(in.i64()))); // BINUNICODE8
                case 'T' -> push(string(in.length(in.i32()))); // BINSTRING (Python 2 str)
                case 'U' -> push(string(in.u8())); // SHORT_BINSTRING
                case 'B' -> push(new Py.Bytes(bytes(in.length(in.i32() & 0xffffffffL)))); // BINBYTES
                case 'C' -> push(new Py.Bytes(bytes(in.u8()))); // SHORT_BINBYTES
                case 0x8e, 0x96 -> push(new Py.Bytes(bytes(in.length(in.i64())))); // BINBYTES8, BYTEARRAY8
                case ')' -> push(tuple(List.of())); // EMPTY_TUPLE
                case 0x85 -> push(tuple(popN(1))); // TUPLE1
                case 0x86 -> push(tuple(popN(2))); // TUPLE2
                case 0x87 -> push(tuple(popN(3))); // TUPLE3
                case 't' -> push(tuple(popMark())); // TUPLE
                case ']' -> push(list(List.of())); // EMPTY_LIST
                case 'l' -> push(list(popMark())); // LIST
                case 'a' -> { // APPEND
                    Object v = pop();
                    listAt(peek()).add(v);
                    count(1);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popMark();
                    listAt(peek()).addAll(items);
                    count(items.size());
                }
                case '}' -> push(dict()); // EMPTY_DICT
                case 'd' -> { // DICT
                    List<Object> items = popMark();
                    Map<Object, Object> d = dict();
                    putAll(d, items);
                    push(d);
                }
                case 's' -> { // SETITEM
                    Object v = pop();
                    Object k = pop();
                    putAll(dictAt(peek()), List.of(k, v));
                }
                case 'u' -> { // SETITEMS
                    List<Object> items = popMark();
                    putAll(dictAt(peek()), items);
                }
                case 0x8f -> push(list(List.of())); // EMPTY_SET (as a list: only iterated, never hashed)
                case 0x90 -> { // ADDITEMS
                    List<Object> items = popMark();
                    listAt(peek()).addAll(items);
                    count(items.size());
                }
                case 0x91 -> push(list(popMark())); // FROZENSET
                case 'q' -> memoPut(in.u8()); // BINPUT
                case 'r' -> memoPut(in.i32() & 0xffffffffL); // LONG_BINPUT
                case 'p' -> memoPut(in.textIndex(in.line())); // PUT
                case 0x94 -> memoPut(memo.size()); // MEMOIZE
                case 'h' -> push(memoGet(in.u8())); // BINGET
                case 'j' -> push(memoGet(in.i32() & 0xffffffffL)); // LONG_BINGET
                case 'g' -> push(memoGet(in.textIndex(in.line()))); // GET
                case 'c' -> push(global(in.line(), in.line())); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw fail("STACK_GLOBAL needs two strings, got " + Py.typeName(module) + " and " + Py.typeName(name));
                    }
                    push(global(m, n));
                }
                case 'i' -> { // INST: GLOBAL + call with the marked arguments
                    Py.Global g = global(in.line(), in.line());
                    push(TorchGlobals.call(g, tuple(popMark()), where()));
                }
                case 'o' -> { // OBJ
                    List<Object> items = popMark();
                    if (items.isEmpty()) {
                        throw fail("OBJ without a class");
                    }
                    push(callable(items.getFirst(), tuple(items.subList(1, items.size()))));
                }
                case 'R' -> { // REDUCE
                    Object args = pop();
                    Object fn = pop();
                    push(callable(fn, tupleArg(args)));
                }
                case 0x81 -> { // NEWOBJ
                    Object args = pop();
                    Object cls = pop();
                    push(callable(cls, tupleArg(args)));
                }
                case 0x92 -> { // NEWOBJ_EX
                    Object kwargs = pop();
                    Object args = pop();
                    Object cls = pop();
                    if (!(kwargs instanceof Map<?, ?> kw) || !kw.isEmpty()) {
                        throw fail("NEWOBJ_EX with keyword arguments is not supported");
                    }
                    push(callable(cls, tupleArg(args)));
                }
                case 'b' -> build(pop()); // BUILD
                case 'Q' -> push(persistent(pop())); // BINPERSID
                case 'P' -> push(persistent(in.line())); // PERSID
                case 0x82, 0x83, 0x84 -> throw fail("extension-registry opcodes (EXT1/2/4) are not allowed");
                case 0x97, 0x98 -> throw fail("out-of-band buffers (NEXT_BUFFER/READONLY_BUFFER) are not supported");
                case 'S', 'V' -> throw fail("protocol-0 text strings (STRING/UNICODE) are not supported");
                default -> throw fail(String.format("unknown opcode 0x%02x", op));
            }
        }
    }

    private byte[] bytes(int n) {
        count(1);
        return in.bytes(n);
    }

    private String string(int n) {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    // ---- stack, memo, objects -----------------------------------------------------------------

    private void count(long n) {
        objects += n;
        if (objects > MAX_OBJECTS) {
            throw fail("more than " + MAX_OBJECTS + " objects");
        }
    }

    private void push(Object v) {
        if (stack.size() >= MAX_STACK) {
            throw fail("stack deeper than " + MAX_STACK);
        }
        stack.add(v);
    }

    private Object pop() {
        int floor = marks.isEmpty() ? 0 : marks.getLast();
        if (stack.size() <= floor) {
            throw fail("stack underflow");
        }
        return stack.removeLast();
    }

    private Object peek() {
        int floor = marks.isEmpty() ? 0 : marks.getLast();
        if (stack.size() <= floor) {
            throw fail("stack underflow");
        }
        return stack.getLast();
    }

    private List<Object> popN(int n) {
        List<Object> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.addFirst(pop());
        }
        return out;
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw fail("no MARK on the stack");
        }
        int at = marks.removeLast();
        List<Object> sub = stack.subList(at, stack.size());
        List<Object> items = new ArrayList<>(sub);
        sub.clear();
        return items;
    }

    private void memoPut(long index) {
        if (!memo.containsKey(index)) {
            count(1);
        }
        memo.put(index, peek());
    }

    private Object memoGet(long index) {
        Object v = memo.get(index);
        if (v == null) {
            throw fail("memo entry " + index + " is not defined");
        }
        return v;
    }

    private Py.Tuple tuple(List<Object> items) {
        count(1 + items.size());
        return new Py.Tuple(items);
    }

    private List<Object> list(List<Object> items) {
        count(1 + items.size());
        return new ArrayList<>(items);
    }

    private Map<Object, Object> dict() {
        count(1);
        return new LinkedHashMap<>();
    }

    @SuppressWarnings("unchecked")
    private List<Object> listAt(Object v) {
        if (v instanceof ArrayList<?> l) {
            return (List<Object>) l;
        }
        throw fail("append to a " + Py.typeName(v) + ", not a list");
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dictAt(Object v) {
        if (v instanceof LinkedHashMap<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw fail("item assignment on a " + Py.typeName(v) + ", not a dict");
    }

    private void putAll(Map<Object, Object> d, List<Object> kv) {
        if (kv.size() % 2 != 0) {
            throw fail("odd number of items for a dict");
        }
        for (int i = 0; i < kv.size(); i += 2) {
            d.put(Py.hashable(kv.get(i), where()), kv.get(i + 1));
        }
        count(kv.size() / 2);
    }

    private Py.Global global(String module, String name) {
        Py.Global g = new Py.Global(module, name);
        if (TorchGlobals.kindOf(g) == null) {
            throw fail("refuses global '" + printable(module) + "." + printable(name)
                    + "': only PyTorch tensor-rebuilding globals are allowed (the file may be malicious)");
        }
        return g;
    }

    private Object callable(Object fn, Py.Tuple args) {
        if (fn instanceof Py.Global g) {
            return TorchGlobals.call(g, args, where());
        }
        throw fail("call of a " + Py.typeName(fn) + ", not an allowed global");
    }

    private Py.Tuple tupleArg(Object args) {
        if (args instanceof Py.Tuple t) {
            return t;
        }
        throw fail("call arguments must be a tuple, got " + Py.typeName(args));
    }

    /** BUILD (setstate): kept only where state carries nothing we use (dict _metadata, inert objects). */
    private void build(Object state) {
        Object target = peek();
        if (target instanceof Map<?, ?> || target instanceof Py.Opaque || target instanceof TensorRef) {
            return;
        }
        throw fail("BUILD on a " + Py.typeName(target) + " is not supported (state " + Py.typeName(state) + ")");
    }

    private Object persistent(Object pid) {
        if (persistentLoad == null) {
            throw fail("persistent id in a pickle that may not have any");
        }
        try {
            return persistentLoad.apply(pid);
        } catch (ModelFormatException e) {
            throw fail(e.getMessage());
        }
    }

    private String where() {
        return source + ": pickle byte " + opStart + ": ";
    }

    private ModelFormatException fail(String message) {
        return new ModelFormatException(where() + message);
    }

    /** A name from the file, shortened and stripped of control characters for messages. */
    static String printable(String s) {
        return jdiffusion.loaders.Printable.of(s);
    }
}
