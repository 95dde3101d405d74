package jdiffusion.sampler.brownian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** numpy SeedSequence reference words (spec §6.6, checked against numpy 2.4 here). */
class SeedSequenceTest {

    @Test
    void rootStateOfEntropy1234() {
        assertArrayEquals(new long[] {4280268349L, 3829106894L, 2675148735L},
                new SeedSequence(1234, new long[0], 24).generateState(3));
    }

    @Test
    void spawnKeyZeroZero() {
        assertArrayEquals(new long[] {840100010L, 4216861537L, 2835682605L, 1180521712L},
                new SeedSequence(1234, new long[] {0, 0}, 24).generateState(4));
    }

    @Test
    void numpyDefaultPoolAndMultiWordValues() {
        // np.random.SeedSequence(2**40 + 7, spawn_key=(5, 2**33 + 1)).generate_state(5)
        assertArrayEquals(new long[] {461523320L, 2358105103L, 2621231157L, 3353071600L, 2482376316L},
                new SeedSequence((1L << 40) + 7, new long[] {5, (1L << 33) + 1}, 4).generateState(5));
        // np.random.SeedSequence(0, pool_size=24).generate_state(2): entropy 0 is the single word [0]
        assertArrayEquals(new long[] {4025752534L, 2687548107L}, new SeedSequence(0, new long[0], 24).generateState(2));
    }

    @Test
    void negativeEntropyIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SeedSequence(-1, new long[0], 24));
    }
}
