package jdiffusion.sd.upscale;

import java.util.ArrayList;
import java.util.List;
import jdiffusion.sd.image.Composite;
import jdiffusion.sd.image.Image;
import jdiffusion.sd.image.Mode;

/**
 * The webui's tile grid ({@code modules/images.py: split_grid / combine_grid}): overlapping tiles
 * spread evenly over the image (the last row/column pushed back inside; an image smaller than a
 * tile gives a tile starting at a negative offset, black-padded as Pillow's crop does), recombined
 * left to right and top to bottom with a linear ramp over the overlap.
 */
public final class TileGrid {
    /** One tile at (x, y) of the grid's image. */
    public record Tile(int x, int y, Image image) {
    }

    private final List<List<Tile>> rows;
    private final int tileW;
    private final int tileH;
    private final int imageW;
    private final int imageH;
    private final int overlap;

    private TileGrid(List<List<Tile>> rows, int tileW, int tileH, int imageW, int imageH, int overlap) {
        this.rows = rows;
        this.tileW = tileW;
        this.tileH = tileH;
        this.imageW = imageW;
        this.imageH = imageH;
        this.overlap = overlap;
    }

    public List<List<Tile>> rows() {
        return rows;
    }

    public int tileCount() {
        return rows.stream().mapToInt(List::size).sum();
    }

    /** {@code split_grid(image, tile, tile, overlap)}. */
    public static TileGrid split(Image image, int tile, int overlap) {
        if (tile <= overlap) {
            throw new IllegalArgumentException("tile size " + tile + " must exceed the overlap " + overlap);
        }
        int w = image.width();
        int h = image.height();
        int step = tile - overlap;
        int cols = (int) Math.ceil((double) (w - overlap) / step);
        int nrows = (int) Math.ceil((double) (h - overlap) / step);
        double dx = cols > 1 ? (double) (w - tile) / (cols - 1) : 0;
        double dy = nrows > 1 ? (double) (h - tile) / (nrows - 1) : 0;
        List<List<Tile>> out = new ArrayList<>();
        for (int r = 0; r < nrows; r++) {
            int y = (int) (r * dy);
            if (y + tile >= h) {
                y = h - tile;
            }
            List<Tile> row = new ArrayList<>();
            for (int c = 0; c < cols; c++) {
                int x = (int) (c * dx);
                if (x + tile >= w) {
                    x = w - tile;
                }
                row.add(new Tile(x, y, image.crop(x, y, x + tile, y + tile)));
            }
            out.add(row);
        }
        return new TileGrid(out, tile, tile, w, h, overlap);
    }

    /** The same grid with every tile replaced by {@code f(tile)}, all scaled by {@code scale}. */
    public TileGrid map(int scale, java.util.function.UnaryOperator<Image> f) {
        List<List<Tile>> out = new ArrayList<>();
        for (List<Tile> row : rows) {
            List<Tile> r = new ArrayList<>();
            for (Tile t : row) {
                r.add(new Tile(t.x() * scale, t.y() * scale, f.apply(t.image())));
            }
            out.add(r);
        }
        return new TileGrid(out, tileW * scale, tileH * scale, imageW * scale, imageH * scale, overlap * scale);
    }

    /** {@code combine_grid}: pastes tiles with a 0→255 ramp ({@code uint8(i·255/overlap)}) over the overlaps. */
    public Image combine() {
        Image rampW = ramp(overlap, tileH, true);
        Image rampH = ramp(imageW, overlap, false);
        Image result = Image.blank(imageW, imageH, Mode.RGB);
        for (List<Tile> row : rows) {
            int y = row.get(0).y();
            Image combinedRow = Image.blank(imageW, tileH, Mode.RGB);
            for (Tile t : row) {
                if (t.x() == 0) {
                    Composite.paste(combinedRow, t.image(), 0, 0, null);
                    continue;
                }
                Composite.paste(combinedRow, t.image().crop(0, 0, overlap, tileH), t.x(), 0, rampW);
                Composite.paste(combinedRow, t.image().crop(overlap, 0, tileW, tileH), t.x() + overlap, 0, null);
            }
            if (y == 0) {
                Composite.paste(result, combinedRow, 0, 0, null);
                continue;
            }
            Composite.paste(result, combinedRow.crop(0, 0, imageW, overlap), 0, y, rampH);
            Composite.paste(result, combinedRow.crop(0, overlap, imageW, tileH), 0, y + overlap, null);
        }
        return result;
    }

    /** An L image whose value along the ramp axis i is trunc(float32(i)·255/overlap). */
    private Image ramp(int w, int h, boolean horizontal) {
        Image m = Image.blank(w, h, Mode.L);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = horizontal ? x : y;
                m.set(x, y, 0, (int) ((float) i * 255f / overlap));
            }
        }
        return m;
    }
}
