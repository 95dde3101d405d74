package jdiffusion.sd.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The webui's models folder layout: {@code Stable-diffusion/} (checkpoints), {@code Lora/} (and the
 * old {@code LyCORIS/}), {@code VAE/}, {@code embeddings/}, {@code ESRGAN/}, each searched with its
 * subfolders. Hidden folders (a path part starting with '.') are skipped, as the webui does by
 * default; files are listed in natural order (the webui's {@code walk_files}).
 */
public final class ModelsFolder {
    private final Path root;
    private final Path loraDir;
    private final Path embeddingsDir;
    private final Path esrganDir;

    /** @param root the {@code models} folder */
    public ModelsFolder(Path root) {
        this(root, null, null, null);
    }

    private ModelsFolder(Path root, Path loraDir, Path embeddingsDir, Path esrganDir) {
        this.root = root;
        this.loraDir = loraDir;
        this.embeddingsDir = embeddingsDir;
        this.esrganDir = esrganDir;
    }

    /** The same folder with LoRA files taken from {@code dir} instead (the webui's {@code --lora-dir}). */
    public ModelsFolder withLoraDir(Path dir) {
        return new ModelsFolder(root, dir, embeddingsDir, esrganDir);
    }

    /** The same folder with embeddings taken from {@code dir} (the webui's {@code --embeddings-dir}). */
    public ModelsFolder withEmbeddingsDir(Path dir) {
        return new ModelsFolder(root, loraDir, dir, esrganDir);
    }

    /** The same folder with ESRGAN models taken from {@code dir} (the webui's {@code --esrgan-models-path}). */
    public ModelsFolder withEsrganDir(Path dir) {
        return new ModelsFolder(root, loraDir, embeddingsDir, dir);
    }

    public Path root() {
        return root;
    }

    public Path checkpoints() {
        return root.resolve("Stable-diffusion");
    }

    public Path lora() {
        return loraDir != null ? loraDir : root.resolve("Lora");
    }

    /** The pre-1.5 LyCORIS folder the webui still searches. */
    public Path lycoris() {
        return root.resolve("LyCORIS");
    }

    public Path vae() {
        return root.resolve("VAE");
    }

    public Path embeddings() {
        return embeddingsDir != null ? embeddingsDir : root.resolve("embeddings");
    }

    public Path esrgan() {
        return esrganDir != null ? esrganDir : root.resolve("ESRGAN");
    }

    /** LoRA files: {@code .safetensors}, {@code .pt}, {@code .ckpt} under Lora/ then LyCORIS/. */
    public List<Path> loraFiles() {
        List<Path> out = new ArrayList<>(walk(lora(), Set.of(".safetensors", ".pt", ".ckpt")));
        out.addAll(walk(lycoris(), Set.of(".safetensors", ".pt", ".ckpt")));
        return out;
    }

    /** Embedding files: {@code .safetensors}, {@code .pt}, {@code .bin} (empty files skipped). */
    public List<Path> embeddingFiles() {
        List<Path> out = new ArrayList<>();
        for (Path p : walk(embeddings(), Set.of(".safetensors", ".pt", ".bin"))) {
            try {
                if (Files.size(p) > 0) {
                    out.add(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + p, e);
            }
        }
        return out;
    }

    /** Files under {@code dir} (recursively) with one of the lower-case extensions, natural order. */
    public static List<Path> walk(Path dir, Set<String> extensions) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> extensions.contains(extension(p)))
                    .filter(p -> !hidden(dir.relativize(p)))
                    .sorted(Comparator.comparing((Path p) -> naturalKey(dir.relativize(p).getParent()))
                            .thenComparing(p -> naturalKey(p.getFileName())))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + dir, e);
        }
    }

    /** The lower-case extension with its dot ({@code ".png"}), or "" when the name has none. */
    public static String extension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot).toLowerCase(Locale.ROOT);
    }

    /** The file name without its extension (how the webui names networks and embeddings). */
    public static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot <= 0 ? n : n.substring(0, dot);
    }

    private static boolean hidden(Path relative) {
        Path parent = relative.getParent();
        if (parent == null) {
            return false;
        }
        for (Path part : parent) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** Natural sort key: digit runs compare by value ("lora2" before "lora10"), case-insensitive. */
    public static String naturalKey(Path p) {
        if (p == null) {
            return "";
        }
        String s = p.toString().toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isDigit(c)) {
                int j = i;
                while (j < s.length() && Character.isDigit(s.charAt(j))) {
                    j++;
                }
                String digits = s.substring(i, j).replaceFirst("^0+(?=.)", "");
                out.append((char) 0).append(String.format("%08d", digits.length())).append(digits);
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
