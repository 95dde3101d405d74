package jdiffusion.loaders;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import jdiffusion.loaders.pickle.TorchCheckpoint;
import jdiffusion.loaders.safetensors.SafetensorsFile;

/**
 * Opens one weights file whatever its format, recognised by its first bytes rather than its
 * extension (users rename files): safetensors (8-byte header length, then '{'), a torch zip
 * ({@code PK\3\4}) or a legacy torch pickle ({@code \x80}).
 */
public final class WeightFiles {
    private WeightFiles() {
    }

    /** File formats. */
    public enum Format {
        SAFETENSORS("safetensors (memory-mapped)"),
        TORCH_ZIP("PyTorch zip checkpoint (torch.save ≥ 1.6), read by a restricted unpickler"),
        TORCH_LEGACY("PyTorch legacy checkpoint (torch.save < 1.6), read by a restricted unpickler"),
        DIFFUSERS_FOLDER("diffusers folder");

        private final String description;

        Format(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** An open weights file. */
    public record Opened(Path path, Format format, TensorSource tensors, Map<String, String> metadata,
                         AutoCloseable resource) implements AutoCloseable {
        @Override
        public void close() {
            try {
                resource.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + path, e);
            }
        }
    }

    /** Opens {@code path}; an unrecognised or malformed file is a {@link ModelFormatException} naming it. */
    public static Opened open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new ModelFormatException(path + ": is a folder, not a weights file");
        }
        Format format = sniff(path);
        return switch (format) {
            case SAFETENSORS -> {
                SafetensorsFile f = SafetensorsFile.open(path);
                yield new Opened(path, format, f, f.metadata(), f);
            }
            case TORCH_ZIP, TORCH_LEGACY -> {
                TorchCheckpoint c = TorchCheckpoint.open(path);
                yield new Opened(path, c.container() == TorchCheckpoint.Container.ZIP ? Format.TORCH_ZIP : Format.TORCH_LEGACY,
                        c, Map.of(), c);
            }
            case DIFFUSERS_FOLDER -> throw new IllegalStateException();
        };
    }

    /** The format of a file, from its first bytes. */
    public static Format sniff(Path path) throws IOException {
        long size = Files.size(path);
        byte[] head = new byte[(int) Math.min(16, size)];
        try (var in = Files.newInputStream(path)) {
            int n = in.readNBytes(head, 0, head.length);
            if (n != head.length) {
                throw new ModelFormatException(path + ": could not read its first bytes");
            }
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return Format.TORCH_ZIP;
        }
        if (head.length >= 2 && (head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
            return Format.TORCH_LEGACY;
        }
        if (head.length >= 9 && head[8] == '{') {
            return Format.SAFETENSORS;
        }
        String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".safetensors")) {
            return Format.SAFETENSORS; // let the reader say precisely what is wrong
        }
        if (size >= 262 && isTar(path)) {
            throw new ModelFormatException(path + ": PyTorch's tar checkpoint format (before 0.4) is not supported");
        }
        throw new ModelFormatException(path + ": unrecognised weights format (not safetensors, not a PyTorch zip or "
                + "pickle checkpoint; " + size + " bytes" + (size == 0 ? ", empty" : "") + ")");
    }

    private static boolean isTar(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ); Arena a = Arena.ofConfined()) {
            MemorySegment s = ch.map(FileChannel.MapMode.READ_ONLY, 257, 5, a);
            byte[] b = s.toArray(ValueLayout.JAVA_BYTE);
            return new String(b, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar");
        }
    }
}
