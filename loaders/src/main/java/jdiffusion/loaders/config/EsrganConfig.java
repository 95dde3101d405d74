package jdiffusion.loaders.config;

/**
 * An ESRGAN-family RRDBNet upscaler. Weights are presented under the basicsr / Real-ESRGAN names
 * whatever the file used: {@code conv_first}, {@code body.N.rdb{1,2,3}.conv{1..5}}, {@code conv_body},
 * {@code conv_up1..conv_up<upsamples>}, {@code conv_hr}, {@code conv_last}.
 *
 * @param sourceLayout   how the file named its weights
 * @param inChannels     input channels of conv_first (3, or 3·r² after a pixel-unshuffle by r)
 * @param outChannels    output channels of conv_last (3)
 * @param numFeatures    nf, the trunk width (64)
 * @param numBlocks      RRDB blocks (23 for ESRGAN/Real-ESRGAN x4, 6 for the anime 6B model)
 * @param growthChannels gc, the dense-block growth width (32)
 * @param upsamples      number of ×2 nearest-upsample + conv stages
 * @param pixelUnshuffle input pixel-unshuffle factor (1, 2 for Real-ESRGAN x2, 4 for x1)
 */
public record EsrganConfig(Layout sourceLayout, int inChannels, int outChannels, int numFeatures, int numBlocks,
                           int growthChannels, int upsamples, int pixelUnshuffle) {

    /** Weight naming conventions of RRDBNet files. */
    public enum Layout {
        /** Original ESRGAN / 4x-UltraSharp / NMKD: {@code model.0}, {@code model.1.sub.N.RDBk.convj.0}, {@code model.3}, ... */
        ESRGAN_SEQUENTIAL,
        /** xinntao ESRGAN "new arch": {@code conv_first}, {@code RRDB_trunk.N.RDBk.convj}, {@code trunk_conv}, {@code upconv1}, {@code HRconv}. */
        ESRGAN_NAMED,
        /** basicsr / Real-ESRGAN: {@code conv_first}, {@code body.N.rdbk.convj}, {@code conv_body}, {@code conv_up1}, {@code conv_hr}. */
        BASICSR
    }

    /** Output size / input size. */
    public int scale() {
        return (1 << upsamples) / pixelUnshuffle;
    }
}
