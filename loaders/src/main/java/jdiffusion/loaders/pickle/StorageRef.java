package jdiffusion.loaders.pickle;

import jdiffusion.tensor.DType;

/**
 * A typed PyTorch storage named by a pickle's persistent id: {@code numel} elements of
 * {@code dtype}. Its bytes are the storage record {@code dataKey} of the archive starting at
 * element {@code dataOffset} (legacy files may declare a storage as a view of another one; zip
 * files never do, so there {@code dataKey} equals {@code key} and {@code dataOffset} is 0).
 */
public record StorageRef(String key, DType dtype, long numel, String dataKey, long dataOffset) {
}
