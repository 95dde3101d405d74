package jdiffusion.sd.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.ImageFiles;
import jdiffusion.sd.models.ModelsFolder;

/**
 * The img2img "Batch" tab ({@code modules/img2img.py: process_batch}): the image files of a folder in
 * natural order (hidden files skipped), each run with the template's settings; with a mask folder a
 * single mask applies to every image, otherwise each image takes the mask with its file stem and is
 * skipped (with a warning) when there is none. Files that are not readable images are skipped too.
 */
final class BatchFolder {
    /** The extensions the webui's batch tab reads. */
    static final Set<String> IMAGE_EXTENSIONS = Set.of(".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff", ".bmp", ".gif");

    private BatchFolder() {
    }

    static BatchResult run(Pipeline pipeline, Img2ImgRequest template, Path inputDir, Path maskDir,
                           ProgressListener listener, Cancellation cancel) throws IOException {
        if (!Files.isDirectory(inputDir)) {
            throw new IOException("batch input folder " + inputDir + " does not exist or is not a folder");
        }
        if (maskDir != null && !Files.isDirectory(maskDir)) {
            throw new IOException("batch mask folder " + maskDir + " does not exist or is not a folder");
        }
        List<Path> inputs = list(inputDir, true);
        List<Path> masks = maskDir == null ? List.of() : list(maskDir, false);
        List<BatchResult.Item> items = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path in : inputs) {
            String stem = ModelsFolder.stem(in.getFileName());
            Path maskFile = null;
            if (maskDir != null) {
                maskFile = masks.size() == 1 ? masks.getFirst() : masks.stream()
                        .filter(m -> ModelsFolder.stem(m.getFileName()).equals(stem)).findFirst().orElse(null);
                if (maskFile == null) {
                    String msg = "mask is not found for " + in + " in " + maskDir + "; skipping it";
                    skipped.add(msg);
                    listener.warning(msg);
                    continue;
                }
            }
            Image image;
            Image mask;
            try {
                image = ImageFiles.read(in);
                mask = maskFile == null ? null : ImageFiles.read(maskFile);
            } catch (IOException e) {
                skipped.add(e.getMessage());
                listener.warning(e.getMessage());
                continue;
            }
            Img2ImgSettings s = template.img2img().toBuilder().canvas(Canvas.batch(image, mask)).build();
            GenerationResult r = pipeline.img2img(new Img2ImgRequest(template.settings(), s), listener, cancel);
            BatchResult.Item item = new BatchResult.Item(in, maskFile, stem, r);
            items.add(item);
            listener.batchItem(item);
        }
        return new BatchResult(items, skipped);
    }

    /** Regular, non-hidden files (images only when asked), natural order of their names. */
    static List<Path> list(Path dir, boolean imagesOnly) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> !imagesOnly || IMAGE_EXTENSIONS.contains(ModelsFolder.extension(p)))
                    .sorted(Comparator.comparing(p -> ModelsFolder.naturalKey(p.getFileName())))
                    .toList();
        }
    }
}
