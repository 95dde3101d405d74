package jdiffusion.loaders.detect;

import java.util.Arrays;
import java.util.NavigableSet;
import java.util.TreeSet;
import jdiffusion.loaders.ModelFormatException;
import jdiffusion.loaders.TensorSource;

/**
 * Name and shape queries over a source for architecture detection: prefix lookups on a sorted
 * name set (so detection stays linear in the number of tensors) and shapes read from the tensor
 * headers only, never their data.
 */
final class Keys {
    private final TensorSource source;
    private final NavigableSet<String> names;

    Keys(TensorSource source) {
        this.source = source;
        this.names = new TreeSet<>(source.names());
    }

    String where() {
        return source.description();
    }

    boolean has(String name) {
        return names.contains(name);
    }

    boolean hasPrefix(String prefix) {
        String next = names.ceiling(prefix);
        return next != null && next.startsWith(prefix);
    }

    NavigableSet<String> withPrefix(String prefix) {
        return names.subSet(prefix, true, prefix + Character.MAX_VALUE, false);
    }

    /** Number of consecutive indices N under {@code prefix} ({@code prefix + "N."}), checked to be 0..count-1. */
    int count(String prefix) {
        TreeSet<Integer> seen = new TreeSet<>();
        for (String n : withPrefix(prefix)) {
            int dot = n.indexOf('.', prefix.length());
            String digits = n.substring(prefix.length(), dot < 0 ? n.length() : dot);
            if (!digits.isEmpty() && digits.length() < 7 && digits.chars().allMatch(Character::isDigit)) {
                seen.add(Integer.parseInt(digits));
            }
        }
        if (!seen.isEmpty() && (seen.first() != 0 || seen.last() != seen.size() - 1)) {
            throw new ModelFormatException(where() + ": blocks under '" + prefix + "' are numbered " + seen
                    + ", not 0.." + (seen.size() - 1));
        }
        return seen.size();
    }

    /** Shape of a tensor that must exist, with the expected rank. */
    int[] shape(String name, int rank) {
        if (!names.contains(name)) {
            throw new ModelFormatException(where() + ": expected tensor '" + name + "' is missing");
        }
        int[] s = source.tensor(name).shape();
        if (rank >= 0 && s.length != rank) {
            throw new ModelFormatException(where() + ": tensor '" + name + "' has shape " + Arrays.toString(s)
                    + ", expected rank " + rank);
        }
        return s;
    }

    int dim(String name, int rank, int d) {
        return shape(name, rank)[d];
    }
}
