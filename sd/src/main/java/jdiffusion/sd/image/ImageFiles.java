package jdiffusion.sd.image;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * Reading and writing image files through the JDK's ImageIO (PNG, JPEG, BMP, GIF), with the
 * layouts mapped as Pillow opens them:
 * <ul>
 *   <li>grey → L; grey + alpha → LA; RGB → RGB; RGBA → RGBA;</li>
 *   <li>palette (P) → RGBA when its transparency is a per-entry alpha table (Pillow reads it as
 *       bytes and the webui's {@code fix_png_transparency} converts to RGBA), otherwise → RGB (no
 *       transparency, or the single fully transparent index Pillow reads as an int, which the
 *       webui's {@code flatten} then ignores);</li>
 *   <li>16-bit colour samples keep their high byte (Pillow's {@code RGB;16B} unpacking); 16-bit
 *       grey is clipped to 255 like Pillow's {@code convert('L')} of an {@code I;16} image.</li>
 * </ul>
 * JPEG pixels come from the JDK decoder and can differ from libjpeg's by ±1; EXIF orientation is not
 * applied. PNG text chunks ({@code tEXt}, {@code zTXt}, {@code iTXt}) are read and written here.
 */
public final class ImageFiles {
    private ImageFiles() {
    }

    /** Reads an image file; unreadable or unsupported files raise an IOException naming the file. */
    public static Image read(Path file) throws IOException {
        return decode(Files.readAllBytes(file), file.toString());
    }

    /** Decodes image file bytes; {@code name} is used in error messages. */
    public static Image decode(byte[] bytes, String name) throws IOException {
        BufferedImage bi;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new Refused(name + ": not a supported image format (PNG, JPEG, BMP or GIF expected)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                // The header's size is checked before any pixel buffer is allocated: a hostile header
                // must not make the decoder allocate gigabytes.
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w <= 0 || h <= 0 || w * h > Image.MAX_PIXELS) {
                    throw new Refused(name + ": image size " + w + "x" + h + " is empty or exceeds "
                            + Image.MAX_PIXELS + " pixels");
                }
                bi = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (Refused e) {
            throw e;
        } catch (IOException e) {
            throw new IOException(name + ": cannot decode image (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            throw new IOException(name + ": cannot decode image (" + e + ")", e);
        }
        if (bi == null) {
            throw new IOException(name + ": not a supported image format (PNG, JPEG, BMP or GIF expected)");
        }
        return fromBuffered(bi, name);
    }

    /** A file refused by our own checks (its message already names the file), as opposed to a decoder failure. */
    private static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    static Image fromBuffered(BufferedImage bi, String name) throws IOException {
        int w = bi.getWidth();
        int h = bi.getHeight();
        if ((long) w * h > Image.MAX_PIXELS) {
            throw new IOException(name + ": " + w + "x" + h + " exceeds " + Image.MAX_PIXELS + " pixels");
        }
        ColorModel cm = bi.getColorModel();
        Raster r = bi.getRaster();
        if (cm instanceof IndexColorModel icm) {
            boolean alpha = icm.hasAlpha() && !singleTransparentIndex(icm);
            Image out = Image.blank(w, h, alpha ? Mode.RGBA : Mode.RGB);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = r.getSample(x, y, 0);
                    out.set(x, y, 0, icm.getRed(i));
                    out.set(x, y, 1, icm.getGreen(i));
                    out.set(x, y, 2, icm.getBlue(i));
                    if (alpha) {
                        out.set(x, y, 3, icm.getAlpha(i));
                    }
                }
            }
            return out;
        }
        int bands = r.getNumBands();
        int bits = cm.getComponentSize(0);
        Mode mode = switch (bands) {
            case 1 -> Mode.L;
            case 2 -> Mode.LA;
            case 3 -> Mode.RGB;
            case 4 -> Mode.RGBA;
            default -> throw new IOException(name + ": unsupported image with " + bands + " bands");
        };
        if (bands >= 3 && !cm.getColorSpace().isCS_sRGB() && cm.getColorSpace().getNumComponents() != 3) {
            throw new IOException(name + ": unsupported colour space (RGB expected)");
        }
        Image out = Image.blank(w, h, mode);
        int[] px = new int[bands];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.getPixel(x, y, px);
                for (int b = 0; b < bands; b++) {
                    int v = px[b];
                    if (bits > 8) {
                        boolean grey = b == 0 && bands <= 2;
                        v = grey ? Math.min(v, 255) : v >>> (bits - 8);
                    }
                    out.set(x, y, b, v);
                }
            }
        }
        return out;
    }

    /** Pillow's {@code _simple_palette}: exactly one entry with alpha 0, every other entry opaque. */
    private static boolean singleTransparentIndex(IndexColorModel icm) {
        int zeros = 0;
        for (int i = 0; i < icm.getMapSize(); i++) {
            int a = icm.getAlpha(i);
            if (a == 0) {
                zeros++;
            } else if (a != 255) {
                return false;
            }
        }
        return zeros == 1;
    }

    /** An L, RGB or RGBA image as a BufferedImage (LA/RGBa are converted to RGBA first). */
    public static BufferedImage toBuffered(Image im) {
        Image src = im.mode() == Mode.LA || im.mode() == Mode.RGBa ? Convert.convert(im, Mode.RGBA) : im;
        int type = switch (src.mode()) {
            case L -> BufferedImage.TYPE_BYTE_GRAY;
            case RGB -> BufferedImage.TYPE_3BYTE_BGR;
            default -> BufferedImage.TYPE_4BYTE_ABGR;
        };
        BufferedImage bi = new BufferedImage(src.width(), src.height(), type);
        int n = src.bands();
        int[] px = new int[n];
        for (int y = 0; y < src.height(); y++) {
            for (int x = 0; x < src.width(); x++) {
                for (int b = 0; b < n; b++) {
                    px[b] = src.get(x, y, b);
                }
                bi.getRaster().setPixel(x, y, px);
            }
        }
        return bi;
    }

    /** Writes a PNG with optional text chunks (tEXt when Latin-1, otherwise uncompressed iTXt, as Pillow). */
    public static void writePng(Image im, Path file, Map<String, String> texts) throws IOException {
        Files.write(file, encodePng(im, texts));
    }

    /** Encodes a PNG in memory. */
    public static byte[] encodePng(Image im, Map<String, String> texts) throws IOException {
        BufferedImage bi = toBuffered(im);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(bi), param);
            if (texts != null && !texts.isEmpty()) {
                addTexts(meta, texts);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(bi, null, meta), param);
            }
            return bytes.toByteArray();
        } finally {
            writer.dispose();
        }
    }

    private static void addTexts(IIOMetadata meta, Map<String, String> texts) throws IOException {
        String format = "javax_imageio_png_1.0";
        IIOMetadataNode root = new IIOMetadataNode(format);
        IIOMetadataNode text = new IIOMetadataNode("tEXt");
        IIOMetadataNode itext = new IIOMetadataNode("iTXt");
        for (Map.Entry<String, String> e : texts.entrySet()) {
            String key = e.getKey();
            if (key.isEmpty() || key.length() > 79 || !StandardCharsets.ISO_8859_1.newEncoder().canEncode(key)) {
                throw new IllegalArgumentException("PNG text keyword must be 1-79 Latin-1 characters, got '" + key + "'");
            }
            if (StandardCharsets.ISO_8859_1.newEncoder().canEncode(e.getValue())) {
                IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
                entry.setAttribute("keyword", key);
                entry.setAttribute("value", e.getValue());
                text.appendChild(entry);
            } else {
                IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
                entry.setAttribute("keyword", key);
                entry.setAttribute("compressionFlag", "FALSE");
                entry.setAttribute("compressionMethod", "0");
                entry.setAttribute("languageTag", "");
                entry.setAttribute("translatedKeyword", "");
                entry.setAttribute("text", e.getValue());
                itext.appendChild(entry);
            }
        }
        if (text.getLength() > 0) {
            root.appendChild(text);
        }
        if (itext.getLength() > 0) {
            root.appendChild(itext);
        }
        try {
            meta.mergeTree(format, root);
        } catch (IIOInvalidTreeException ex) {
            throw new IOException("cannot add PNG text chunks: " + ex.getMessage(), ex);
        }
    }

    /** The text chunks of a PNG ({@code tEXt}, {@code zTXt}, {@code iTXt}), keyword → text, in file order. */
    public static Map<String, String> readPngText(Path file) throws IOException {
        return pngText(Files.readAllBytes(file), file.toString());
    }

    /** The text chunks of PNG bytes; a non-PNG or malformed input raises an IOException naming {@code name}. */
    public static Map<String, String> pngText(byte[] bytes, String name) throws IOException {
        return PngTextChunks.read(bytes, name);
    }

    /** Convenience for tests and tools: PNG bytes of an image without text. */
    public static byte[] encodePng(Image im) {
        try {
            return encodePng(im, Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
