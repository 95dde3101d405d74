import java.awt.*;
import java.awt.geom.*;
import java.awt.image.BufferedImage;
import java.io.File;
import javax.imageio.ImageIO;

public class GenExample {
    public static void main(String[] a) throws Exception {
        int w = 256, h = 256;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, new Color(70, 120, 200), 0, 160, new Color(190, 215, 240)));
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(250, 220, 120));
        g.fill(new Ellipse2D.Double(180, 30, 44, 44));
        Path2D hill = new Path2D.Double();
        hill.moveTo(0, h);
        for (int x = 0; x <= w; x += 4) hill.lineTo(x, 160 + 18 * Math.sin(x / 40.0));
        hill.lineTo(w, h); hill.closePath();
        g.setPaint(new GradientPaint(0, 150, new Color(90, 160, 70), 0, 256, new Color(40, 100, 40)));
        g.fill(hill);
        g.setColor(new Color(170, 40, 35));
        g.fillRect(60, 130, 70, 50);
        g.setColor(new Color(110, 30, 30));
        g.fillPolygon(new int[] {52, 95, 138}, new int[] {132, 100, 132}, 3);
        g.setColor(new Color(240, 235, 220));
        g.fillRect(85, 150, 20, 30);
        g.dispose();
        ImageIO.write(img, "png", new File("landscape.png"));

        BufferedImage mask = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D m = mask.createGraphics();
        m.setColor(Color.WHITE);
        m.fill(new Ellipse2D.Double(45, 90, 100, 100));
        m.dispose();
        ImageIO.write(mask, "png", new File("landscape-mask.png"));

        BufferedImage sketch = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        Graphics2D s = sketch.createGraphics();
        s.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        s.setColor(new Color(240, 240, 250));
        s.setStroke(new BasicStroke(9, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        s.drawLine(150, 150, 230, 160);
        s.setColor(new Color(30, 60, 160));
        s.fill(new Ellipse2D.Double(160, 185, 60, 25));
        s.dispose();
        ImageIO.write(sketch, "png", new File("landscape-sketch.png"));
    }
}
