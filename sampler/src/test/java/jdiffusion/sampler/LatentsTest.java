package jdiffusion.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jdiffusion.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LatentsTest {

    @Test
    void img2imgScheduleSlice() {
        float[] s = {10, 8, 6, 4, 2, 1, 0};   // 6 steps
        // strength 0.5: t_enc = 3, sample on sigmas[6 - 3 - 1:] = [6, 4, 2, 1, 0]
        assertArrayEquals(new float[] {6, 4, 2, 1, 0}, Latents.img2imgSigmas(s, 6, 0.5));
        // strength 1 is capped at 0.999: t_enc = int(5.994) = 5, from index 0
        assertArrayEquals(s, Latents.img2imgSigmas(s, 6, 1.0));
        // strength 0: t_enc = 0, one step from the last positive sigma
        assertArrayEquals(new float[] {1, 0}, Latents.img2imgSigmas(s, 6, 0.0));
        assertThrows(IllegalArgumentException.class, () -> Latents.img2imgSigmas(s, 6, 1.5));
    }

    @Test
    void noiseIsScaledThenAdded() {
        Tensor init = Tensor.of(new float[] {1, 2}, 1, 2);
        Tensor noise = Tensor.of(new float[] {0.5f, -1}, 1, 2);
        assertArrayEquals(new float[] {2, 0}, Latents.addNoise(init, noise, 2f).toFloatArray());
        assertArrayEquals(new float[] {1.5f, -3}, Latents.scale(noise, 3f).toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> Latents.addNoise(init, Tensor.zeros(2, 1), 1f));
        // sgm_noise_multiplier: sqrt(1 + 3^2) = sqrt(10)
        assertArrayEquals(new float[] {(float) Math.sqrt(10) * 0.5f, -(float) Math.sqrt(10)},
                Latents.scaleSgm(noise, 3f).toFloatArray());
    }
}
