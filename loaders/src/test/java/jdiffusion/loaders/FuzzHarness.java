package jdiffusion.loaders;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs a fuzz campaign: each case's input comes from its own seeded generator (so case N can be
 * replayed alone), the target must either succeed or throw {@link ModelFormatException}; any other
 * throwable (an index exception, OutOfMemoryError, StackOverflowError, another RuntimeException)
 * or a case running longer than {@link #HANG_MILLIS} fails the test, and the offending input is
 * saved under {@code target/fuzz-failures/}.
 *
 * <p>{@code -Djdiffusion.fuzz.iterations=N} sets the number of cases (default
 * {@value #DEFAULT_ITERATIONS}, a few seconds); {@code -Djdiffusion.fuzz.seed=S} the base seed.
 */
public final class FuzzHarness {
    public static final int DEFAULT_ITERATIONS = 10_000;
    static final long HANG_MILLIS = 10_000;

    private FuzzHarness() {
    }

    public static int iterations() {
        return Integer.getInteger("jdiffusion.fuzz.iterations", DEFAULT_ITERATIONS);
    }

    /** Outcome counts. */
    public record Stats(long opened, long refused) {
    }

    public static Stats run(String name, Function<SplittableRandom, byte[]> generator, Consumer<byte[]> target) {
        return run(name, generator, target, b -> b);
    }

    /** As {@link #run(String, Function, Consumer)} for structured inputs; {@code toBytes} renders a failing one for saving. */
    public static <T> Stats run(String name, Function<SplittableRandom, T> generator, Consumer<T> target,
                                Function<T, byte[]> toBytes) {
        return run(name, iterations(), generator, target, toBytes);
    }

    /** As above with an explicit number of cases (campaigns with costly cases run fewer). */
    public static <T> Stats run(String name, int iterations, Function<SplittableRandom, T> generator, Consumer<T> target,
                                Function<T, byte[]> toBytes) {
        long base = Long.getLong("jdiffusion.fuzz.seed", 20240601L);
        AtomicLong caseStart = new AtomicLong(System.nanoTime());
        AtomicLong current = new AtomicLong(-1);
        long[] counts = new long[2];
        Object[] input = new Object[1];
        ExecutorService exec = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(null, r, "fuzz-" + name, 64L << 20);
            t.setDaemon(true);
            return t;
        });
        Future<String> done = exec.submit(() -> {
            for (int i = 0; i < iterations; i++) {
                T data = generator.apply(new SplittableRandom(base + i * 0x9E3779B97F4A7C15L));
                input[0] = data;
                current.set(i);
                caseStart.set(System.nanoTime());
                try {
                    target.accept(data);
                    counts[0]++;
                } catch (ModelFormatException e) {
                    counts[1]++;
                } catch (Throwable t) {
                    return save(name, i, toBytes.apply(data)) + ": " + t;
                }
            }
            return null;
        });
        try {
            while (true) {
                try {
                    String failure = done.get(200, TimeUnit.MILLISECONDS);
                    if (failure != null) {
                        fail("fuzz " + name + " (base seed " + base + ") case " + failure);
                    }
                    return new Stats(counts[0], counts[1]);
                } catch (java.util.concurrent.TimeoutException e) {
                    long ms = (System.nanoTime() - caseStart.get()) / 1_000_000;
                    if (ms > HANG_MILLIS) {
                        done.cancel(true);
                        @SuppressWarnings("unchecked")
                        T stuck = (T) input[0];
                        fail("fuzz " + name + " case " + current.get() + " ran " + ms + " ms (hang?): input "
                                + save(name, current.get(), toBytes.apply(stuck)));
                    }
                }
            }
        } catch (java.util.concurrent.ExecutionException | InterruptedException e) {
            throw new AssertionError("fuzz " + name + " harness failed", e);
        } finally {
            exec.shutdownNow();
        }
    }

    private static String save(String name, long i, byte[] data) {
        try {
            Path dir = Path.of("target", "fuzz-failures");
            Files.createDirectories(dir);
            Path p = dir.resolve(name + "-" + i + ".bin");
            Files.write(p, data);
            return i + " (input saved to " + p.toAbsolutePath() + ")";
        } catch (Exception e) {
            return i + " (input not saved: " + e + ")";
        }
    }
}
