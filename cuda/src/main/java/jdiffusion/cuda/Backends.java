package jdiffusion.cuda;

import java.util.Locale;
import jdiffusion.tensor.Backend;
import jdiffusion.tensor.cpu.CpuBackend;

/**
 * Chooses a backend from a device string, as the {@code --device} option gives it: {@code cpu},
 * {@code cuda} (device 0) or {@code cuda:N}. A CUDA request on a machine without a usable driver or
 * device falls back to the CPU with a warning that says why.
 */
public final class Backends {
    private Backends() {
    }

    private static final System.Logger LOG = System.getLogger(Backends.class.getName());

    /**
     * The chosen backend; {@code fallbackReason} is null when the request was honoured, else why the
     * CPU was used instead.
     */
    public record Selection(Backend backend, String requested, String fallbackReason) {
        public boolean fellBack() {
            return fallbackReason != null;
        }
    }

    /** The backend for {@code device}, falling back to the CPU (logged as a warning) when CUDA is unavailable. */
    public static Backend select(String device) {
        Selection s = resolve(device);
        if (s.fellBack()) {
            LOG.log(System.Logger.Level.WARNING, "device " + s.requested() + " unavailable, using the CPU: " + s.fallbackReason());
        }
        return s.backend();
    }

    /** Like {@link #select} but returns the reason for a fallback instead of logging it. */
    public static Selection resolve(String device) {
        int ordinal = parse(device);
        if (ordinal < 0) {
            return new Selection(new CpuBackend(), device, null);
        }
        try {
            return new Selection(require(ordinal), device, null);
        } catch (CudaUnavailableException e) {
            return new Selection(new CpuBackend(), device, e.getMessage());
        }
    }

    /** The CUDA backend on device {@code ordinal}, or a {@link CudaUnavailableException} saying why not. */
    public static CudaBackend require(int ordinal) {
        String compute = System.getProperty("jdiffusion.cuda.compute", "f16");
        return new CudaBackend(CudaContext.open(ordinal), ElemType.computeType(compute));
    }

    /** -1 for cpu, else the CUDA ordinal; an error naming the value for anything else. */
    static int parse(String device) {
        if (device == null) {
            throw new IllegalArgumentException("device must not be null: expected cpu, cuda or cuda:N");
        }
        String d = device.trim().toLowerCase(Locale.ROOT);
        if (d.equals("cpu")) {
            return -1;
        }
        if (d.equals("cuda") || d.equals("gpu")) {
            return 0;
        }
        if (d.startsWith("cuda:")) {
            String n = d.substring(5);
            if (!n.isEmpty() && n.chars().allMatch(Character::isDigit) && n.length() <= 4) {
                return Integer.parseInt(n);
            }
        }
        throw new IllegalArgumentException("unknown device '" + device + "': expected cpu, cuda or cuda:N (N = 0, 1, ...)");
    }
}
