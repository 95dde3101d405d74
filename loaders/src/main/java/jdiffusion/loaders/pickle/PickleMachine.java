package jdiffusion.loaders.pickle;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteOrder;
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
    static final int MAX_LINE = 64 * 1024;
    /** Most nodes a dict key (nested tuples) may have; bounds hashing. */
    static final int MAX_KEY_NODES = 4096;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64_BE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final MemorySegment in;
    private final long limit;
    private final String source;
    private final Function<Object, Object> persistentLoad;
    private long pos;
    private long opStart;
    private long objects;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private PickleMachine(MemorySegment in, long start, long limit, String source,
                          Function<Object, Object> persistentLoad) {
        this.in = in;
        this.pos = start;
        this.limit = limit;
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
            opStart = pos;
            int op = u8();
            switch (op) {
                case 0x80 -> { // PROTO
                    int v = u8();
                    if (v > 5) {
                        throw fail("unsupported pickle protocol " + v);
                    }
                }
                case 0x95 -> { // FRAME: a length hint only
                    long n = i64();
                    if (n < 0 || n > limit - pos) {
                        throw fail("frame of " + n + " bytes exceeds the input");
                    }
                }
                case '.' -> { // STOP
                    if (stack.size() != 1 || !marks.isEmpty()) {
                        throw fail("STOP with " + stack.size() + " values on the stack (expected exactly 1)");
                    }
                    return new Result(stack.getFirst(), pos);
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
                case 'J' -> push((long) i32()); // BININT
                case 'K' -> push((long) u8()); // BININT1
                case 'M' -> push((long) u16()); // BININT2
                case 0x8a -> push(longOf(bytes(u8()))); // LONG1
                case 0x8b -> push(longOf(bytes(length(i32() & 0xffffffffL)))); // LONG4
                case 'I' -> push(textInt(line())); // INT
                case 'L' -> push(textLong(line())); // LONG
                case 'G' -> push(in.get(F64_BE, take(8))); // BINFLOAT
                case 'F' -> push(textFloat(line())); // FLOAT
                case 'X' -> push(string(length(i32() & 0xffffffffL))); // BINUNICODE
                case 0x8c -> push(string(u8())); // SHORT_BINUNICODE
                case 0x8d -> push(string(length(i64()))); // BINUNICODE8
                case 'T' -> push(string(length(i32()))); // BINSTRING (Python 2 str)
                case 'U' -> push(string(u8())); // SHORT_BINSTRING
                case 'B' -> push(new Py.Bytes(bytes(length(i32() & 0xffffffffL)))); // BINBYTES
                case 'C' -> push(new Py.Bytes(bytes(u8()))); // SHORT_BINBYTES
                case 0x8e, 0x96 -> push(new Py.Bytes(bytes(length(i64())))); // BINBYTES8, BYTEARRAY8
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
                case 'q' -> memoPut(u8()); // BINPUT
                case 'r' -> memoPut(i32() & 0xffffffffL); // LONG_BINPUT
                case 'p' -> memoPut(textIndex(line())); // PUT
                case 0x94 -> memoPut(memo.size()); // MEMOIZE
                case 'h' -> push(memoGet(u8())); // BINGET
                case 'j' -> push(memoGet(i32() & 0xffffffffL)); // LONG_BINGET
                case 'g' -> push(memoGet(textIndex(line()))); // GET
                case 'c' -> push(global(line(), line())); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw fail("STACK_GLOBAL needs two strings, got " + Py.typeName(module) + " and " + Py.typeName(name));
                    }
                    push(global(m, n));
                }
                case 'i' -> { // INST: GLOBAL + call with the marked arguments
                    Py.Global g = global(line(), line());
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
                case 'P' -> push(persistent(line())); // PERSID
                case 0x82, 0x83, 0x84 -> throw fail("extension-registry opcodes (EXT1/2/4) are not allowed");
                case 0x97, 0x98 -> throw fail("out-of-band buffers (NEXT_BUFFER/READONLY_BUFFER) are not supported");
                case 'S', 'V' -> throw fail("protocol-0 text strings (STRING/UNICODE) are not supported");
                default -> throw fail(String.format("unknown opcode 0x%02x", op));
            }
        }
    }

    // ---- input --------------------------------------------------------------------------------

    private long take(long n) {
        if (n < 0 || n > limit - pos) {
            throw fail("truncated pickle: needs " + n + " more bytes, " + (limit - pos) + " left");
        }
        long at = pos;
        pos += n;
        return at;
    }

    private int u8() {
        return in.get(ValueLayout.JAVA_BYTE, take(1)) & 0xff;
    }

    private int u16() {
        return in.get(U16, take(2)) & 0xffff;
    }

    private int i32() {
        return in.get(I32, take(4));
    }

    private long i64() {
        return in.get(I64, take(8));
    }

    /** A length read from the file, checked against what is left and the string cap. */
    private int length(long n) {
        if (n < 0 || n > limit - pos || n > MAX_STRING_BYTES) {
            throw fail("length " + Long.toUnsignedString(n) + " exceeds the " + (limit - pos) + " bytes left (or "
                    + MAX_STRING_BYTES + ")");
        }
        return (int) n;
    }

    private byte[] bytes(int n) {
        long at = take(n);
        count(1);
        return in.asSlice(at, n).toArray(ValueLayout.JAVA_BYTE);
    }

    private String string(int n) {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    /** A newline-terminated line (text opcodes), without the newline. */
    private String line() {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int c = u8();
            if (c == '\n') {
                return sb.toString();
            }
            if (sb.length() >= MAX_LINE) {
                throw fail("text line longer than " + MAX_LINE + " bytes");
            }
            sb.append((char) c);
        }
    }

    private static Object longOf(byte[] le) {
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        if (be.length == 0) {
            return 0L;
        }
        BigInteger b = new BigInteger(be);
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    private Object textInt(String s) {
        if (s.equals("01")) {
            return Boolean.TRUE;
        }
        if (s.equals("00")) {
            return Boolean.FALSE;
        }
        return textLong(s);
    }

    private Object textLong(String s) {
        String t = s.endsWith("L") ? s.substring(0, s.length() - 1) : s;
        if (t.length() > 1000) {
            throw fail("integer literal of " + t.length() + " digits");
        }
        try {
            BigInteger b = new BigInteger(t.strip());
            return b.bitLength() < 64 ? (Object) b.longValue() : b;
        } catch (NumberFormatException e) {
            throw fail("invalid integer literal");
        }
    }

    private Object textFloat(String s) {
        try {
            return Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            throw fail("invalid float literal");
        }
    }

    private long textIndex(String s) {
        Object v = textLong(s);
        if (v instanceof Long l && l >= 0) {
            return l;
        }
        throw fail("invalid memo index");
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
            d.put(hashable(kv.get(i), where()), kv.get(i + 1));
        }
        count(kv.size() / 2);
    }

    /**
     * Checks that {@code key} can be a dict key the way Python would allow (immutable atoms and
     * tuples of them); lists, dicts and tensors are refused, and nested tuples are bounded so that
     * hashing them stays cheap.
     */
    static Object hashable(Object key, String where) {
        int[] budget = {MAX_KEY_NODES};
        if (!isHashable(key, budget)) {
            throw new ModelFormatException(where + "unhashable dict key (" + Py.typeName(key) + ")");
        }
        return key;
    }

    private static boolean isHashable(Object v, int[] budget) {
        if (--budget[0] < 0) {
            return false;
        }
        return switch (v) {
            case String s -> true;
            case Long l -> true;
            case BigInteger b -> true;
            case Double d -> true;
            case Boolean b -> true;
            case Py.None n -> true;
            case Py.Bytes b -> true;
            case Py.Global g -> true;
            case Py.Tuple t -> {
                for (Object o : t.items()) {
                    if (!isHashable(o, budget)) {
                        yield false;
                    }
                }
                yield true;
            }
            default -> false;
        };
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
