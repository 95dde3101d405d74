package jdiffusion.sd.models;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdiffusion.loaders.safetensors.SafetensorsFile;

/**
 * Finds the file a {@code <lora:NAME:...>} tag means ({@code networks.list_available_networks}):
 * NAME is a file stem (a later file with the same stem, in listing order, wins) or the
 * {@code ss_output_name} alias from a safetensors file's metadata — unless two files claim the
 * same alias, or the alias is one of the reserved words, in which case only the file name works.
 */
public final class LoraLibrary {
    private final Map<String, Path> byStem = new LinkedHashMap<>();
    private final Map<String, Path> byAlias = new LinkedHashMap<>();
    private final Set<String> forbiddenAliases = new HashSet<>(Set.of("none", "addams"));

    /** Scans a list of LoRA files (e.g. {@link ModelsFolder#loraFiles()}). */
    public LoraLibrary(List<Path> files) {
        for (Path f : files) {
            String stem = ModelsFolder.stem(f);
            String alias = alias(f, stem);
            byStem.put(stem, f);
            if (byAlias.containsKey(alias)) {
                forbiddenAliases.add(alias.toLowerCase(Locale.ROOT));
            }
            byAlias.put(stem, f);
            byAlias.put(alias, f);
        }
    }

    public static LoraLibrary of(ModelsFolder folder) {
        return new LoraLibrary(folder.loraFiles());
    }

    private static String alias(Path f, String stem) {
        if (!ModelsFolder.extension(f).equals(".safetensors")) {
            return stem;
        }
        try (SafetensorsFile s = SafetensorsFile.open(f)) {
            return s.metadata().getOrDefault("ss_output_name", stem);
        } catch (IOException | RuntimeException e) {
            return stem; // unreadable metadata: the file is still usable by its name (errors surface on load)
        }
    }

    /** The file for a tag's name, or null. */
    public Path find(String name) {
        if (forbiddenAliases.contains(name.toLowerCase(Locale.ROOT))) {
            return byStem.get(name);
        }
        return byAlias.get(name);
    }

    /** Like {@link #find} but failing with the names that exist. */
    public Path require(String name) {
        Path p = find(name);
        if (p == null) {
            throw new IllegalArgumentException("LoRA '" + name + "' not found in the Lora folder (" + byStem.size()
                    + " networks; e.g. " + byStem.keySet().stream().limit(8).toList() + ")");
        }
        return p;
    }

    /** Stems of all networks. */
    public Set<String> names() {
        return Collections.unmodifiableSet(byStem.keySet());
    }
}
