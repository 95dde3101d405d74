package jdiffusion.cuda;

import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Supplier;
import jdiffusion.tensor.Storage;
import jdiffusion.tensor.Tensor;

/**
 * Weights resident on the device: each host weight is uploaded and converted to a kernel layout
 * once, then found again by its storage (a memory-mapped checkpoint region or a heap array, held
 * weakly), its offset, shape and the layout asked for. When the host weight is collected, its
 * device copies return to the pool.
 *
 * <p>Weights are assumed immutable once used: a heap weight modified in place afterwards needs
 * {@link #clear()}.
 */
final class WeightCache {
    private final Map<Storage, Map<String, DeviceBuffer>> map = new WeakHashMap<>();

    /** The cached device buffer for {@code w} in layout {@code kind}, made by {@code make} on a miss. */
    synchronized DeviceBuffer get(Tensor w, String kind, Supplier<DeviceBuffer> make) {
        String key = kind + "@" + w.storageOffset() + ":" + java.util.Arrays.toString(w.shape());
        Map<String, DeviceBuffer> per = map.computeIfAbsent(w.storage(), k -> new HashMap<>());
        DeviceBuffer b = per.get(key);
        if (b == null) {
            b = make.get();
            per.put(key, b);
        }
        return b;
    }

    synchronized int size() {
        int n = 0;
        for (Map<String, DeviceBuffer> m : map.values()) {
            n += m.size();
        }
        return n;
    }

    synchronized void clear() {
        map.clear();
    }
}
