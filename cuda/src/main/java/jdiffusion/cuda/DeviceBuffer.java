package jdiffusion.cuda;

/**
 * A device block of a given element type that lives as long as this object (weights converted to
 * their kernel layout, held by {@link WeightCache}).
 */
final class DeviceBuffer {
    final long pointer;
    final long bytes;
    final ElemType type;

    DeviceBuffer(CudaContext ctx, long elements, ElemType type) {
        this.bytes = Math.max(1, elements) * type.bytes;
        this.type = type;
        this.pointer = ctx.allocate(bytes, this);
    }
}
