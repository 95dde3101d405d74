package jdiffusion.sampler.rng;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Avx2BoxMuller} with the Vector API: the same 8-lane float32 operations PyTorch's AVX2 kernel
 * issues (multiplies, adds, fused multiply-adds, bit tricks), so every lane gives the scalar version's
 * bits; it only runs several lanes per instruction. Tests compare it with the scalar twin.
 */
final class Avx2BoxMullerVector {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;

    private static final float[] LOG_P = {
        7.0376836292E-2f, -1.1514610310E-1f, 1.1676998740E-1f, -1.2420140846E-1f, 1.4249322787E-1f,
        -1.6668057665E-1f, 2.0000714765E-1f, -2.4999993993E-1f, 3.3333331174E-1f};

    private Avx2BoxMullerVector() {
    }

    /** Transforms blocks of 16 at offsets o, o+16, … (count blocks) in place. */
    static void fillBlocks(float[] d, int o, int count) {
        for (int b = 0; b < count; b++) {
            fill16(d, o + 16 * b);
        }
    }

    static void fill16(float[] d, int o) {
        FloatVector u1 = FloatVector.broadcast(F, 1f).sub(FloatVector.fromArray(F, d, o));
        FloatVector u2 = FloatVector.fromArray(F, d, o + 8);
        FloatVector radius = log(u1).mul(-2f).lanewise(VectorOperators.SQRT);
        FloatVector theta = u2.mul(Avx2BoxMuller.TWO_PI);
        FloatVector[] sc = sinCos(theta);
        radius.mul(sc[1]).intoArray(d, o);
        radius.mul(sc[0]).intoArray(d, o + 8);
    }

    static FloatVector log(FloatVector x) {
        x = x.max(Float.MIN_NORMAL);
        IntVector bits = x.reinterpretAsInts();
        FloatVector e = (FloatVector) bits.lanewise(VectorOperators.LSHR, 23).sub(127)
                .convert(VectorOperators.I2F, 0);
        e = e.add(1f);
        FloatVector m = bits.and(~0x7f800000).or(Float.floatToRawIntBits(0.5f)).reinterpretAsFloats();
        VectorMask<Float> small = m.compare(VectorOperators.LT, 0.707106781186547524f);
        FloatVector tmp = FloatVector.zero(F).blend(m, small);
        FloatVector t = m.sub(1f);
        e = e.sub(FloatVector.zero(F).blend(1f, small));
        t = t.add(tmp);
        FloatVector z = t.mul(t);
        FloatVector y = FloatVector.broadcast(F, LOG_P[0]);
        for (int k = 1; k < LOG_P.length; k++) {
            y = y.fma(t, FloatVector.broadcast(F, LOG_P[k]));
        }
        y = y.mul(t);
        y = y.fma(z, e.mul(-2.12194440e-4f));
        y = y.sub(z.mul(0.5f));
        FloatVector r = t.add(y);
        return e.fma(FloatVector.broadcast(F, 0.693359375f), r);
    }

    /** {sin, cos} of theta &gt;= 0. */
    static FloatVector[] sinCos(FloatVector theta) {
        IntVector j = (IntVector) theta.mul(1.27323954473516f).convert(VectorOperators.F2I, 0);
        j = j.add(1).and(~1);
        FloatVector y = (FloatVector) j.convert(VectorOperators.I2F, 0);
        FloatVector x = y.fma(FloatVector.broadcast(F, -0.78515625f), theta);
        x = y.fma(FloatVector.broadcast(F, -2.4187564849853515625e-4f), x);
        x = y.fma(FloatVector.broadcast(F, -3.77489497744594108e-8f), x);
        FloatVector z = x.mul(x);
        FloatVector c = FloatVector.broadcast(F, 2.443315711809948E-5f);
        c = c.fma(z, FloatVector.broadcast(F, -1.388731625493765E-3f));
        c = c.fma(z, FloatVector.broadcast(F, 4.166664568298827E-2f));
        c = c.mul(z);
        c = c.fma(z, z.mul(0.5f).neg());
        c = c.add(1f);
        FloatVector s = FloatVector.broadcast(F, -1.9515295891E-4f);
        s = s.fma(z, FloatVector.broadcast(F, 8.3321608736E-3f));
        s = s.fma(z, FloatVector.broadcast(F, -1.6666654611E-1f));
        s = s.mul(z);
        s = s.fma(x, x);
        VectorMask<Float> polyMask = j.and(2).compare(VectorOperators.EQ, 0).cast(F);
        FloatVector sin = c.blend(s, polyMask);
        FloatVector cos = s.blend(c, polyMask);
        VectorMask<Float> negSin = j.and(4).compare(VectorOperators.NE, 0).cast(F);
        VectorMask<Float> negCos = j.sub(2).and(4).compare(VectorOperators.EQ, 0).cast(F);
        sin = sin.blend(sin.neg(), negSin);
        cos = cos.blend(cos.neg(), negCos);
        return new FloatVector[] {sin, cos};
    }
}
