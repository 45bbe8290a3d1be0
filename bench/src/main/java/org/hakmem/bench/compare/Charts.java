/*
 * Charts: the PNG charts of a session (JFreeChart, headless): throughput bars per workload, RSS over
 * time through burst-idle (one line per allocator), and ops/s and RSS per epoch of a soak or drift
 * run. Several panels are stacked into one image, one chart per panel, so each keeps its own scale.
 */
package org.hakmem.bench.compare;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

final class Charts {
    private static final int WIDTH = 1000;
    private static final int PANEL_HEIGHT = 360;

    private Charts() {
    }

    /** One bar chart per workload: median throughput per allocator. */
    static void throughput(Path png, List<RunRecord> records, List<String> workloads, List<String> allocators)
            throws IOException {
        List<JFreeChart> panels = new java.util.ArrayList<>();
        for (String w : workloads) {
            boolean echo = w.equals("echo");
            double scale = echo ? 1e3 : 1e6;
            DefaultCategoryDataset data = new DefaultCategoryDataset();
            for (String a : allocators) {
                double median = Summary.of(records, w, a, "ops_per_s").median();
                if (Double.isFinite(median)) {
                    data.addValue(median / scale, "median", a);
                }
            }
            JFreeChart chart = ChartFactory.createBarChart(w + " (median of the rounds; higher is better)", null,
                    echo ? "thousand msgs/s" : "million ops/s", data, PlotOrientation.VERTICAL, false, false, false);
            CategoryPlot plot = chart.getCategoryPlot();
            plot.setBackgroundPaint(Color.WHITE);
            plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
            // the allocator names are long: tilt them rather than truncate them
            plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.createUpRotationLabelPositions(Math.PI / 6));
            panels.add(chart);
        }
        stack(png, panels);
    }

    /** burst-idle: VmRSS and allocator resident over time, the median run of each allocator. */
    static void burstIdleRss(Path png, List<RunRecord> records, List<String> allocators) throws IOException {
        XYSeriesCollection rss = new XYSeriesCollection();
        XYSeriesCollection resident = new XYSeriesCollection();
        for (String a : allocators) {
            RunRecord r = medianRun(records, "burst-idle", a, x -> x.num("rss_end_kib") - x.num("rss_before_kib"));
            if (r == null) {
                continue;
            }
            rss.addSeries(series(a, r.samples(), "t_ms", "rss_kib", 1024));
            if (r.samples().stream().anyMatch(s -> Double.isFinite(RunRecord.num(s, "resident")))) {
                resident.addSeries(series(a, r.samples(), "t_ms", "resident", 1024 * 1024));
            }
        }
        stack(png, List.of(
                line("burst-idle: process RSS (VmRSS) - burst, release, mixed-ws400, idle", "seconds", "MiB", rss),
                line("burst-idle: netty-hakmem resident bytes (mincore over its own mappings)", "seconds", "MiB",
                        resident)));
    }

    /** Soak or drift runs: ops/s and process RSS per epoch, one line per allocator. */
    static void epochs(Path png, List<RunRecord> records, String label) throws IOException {
        XYSeriesCollection ops = new XYSeriesCollection();
        XYSeriesCollection rss = new XYSeriesCollection();
        XYSeriesCollection resident = new XYSeriesCollection();
        for (RunRecord r : records) {
            if (r.ok() && r.workload().equals(label)) {
                ops.addSeries(series(r.allocator(), r.epochs(), "t_ms", "ops_per_s", 1e6));
                rss.addSeries(series(r.allocator(), r.epochs(), "t_ms", "rss_kib", 1024));
                if (r.epochs().stream().anyMatch(s -> Double.isFinite(RunRecord.num(s, "resident")))) {
                    resident.addSeries(series(r.allocator(), r.epochs(), "t_ms", "resident", 1024 * 1024));
                }
            }
        }
        stack(png, List.of(line(label + ": throughput per epoch", "seconds", "million ops/s", ops),
                line(label + ": process RSS (VmRSS) per epoch", "seconds", "MiB", rss),
                line(label + ": netty-hakmem resident bytes per epoch", "seconds", "MiB", resident)));
    }

    /** The successful run whose metric is the median (lower middle for an even count); null if none. */
    static RunRecord medianRun(List<RunRecord> records, String workload, String allocator,
                               ToDoubleFunction<RunRecord> metric) {
        List<RunRecord> ok = records.stream()
                .filter(r -> r.ok() && r.workload().equals(workload) && r.allocator().equals(allocator))
                .filter(r -> Double.isFinite(metric.applyAsDouble(r)))
                .sorted(Comparator.comparingDouble(metric))
                .toList();
        return ok.isEmpty() ? null : ok.get((ok.size() - 1) / 2);
    }

    private static XYSeries series(String name, List<Map<String, String>> points, String xKey, String yKey,
                                   double yScale) {
        XYSeries s = new XYSeries(name, false, true);
        for (Map<String, String> p : points) {
            double x = RunRecord.num(p, xKey);
            double y = RunRecord.num(p, yKey);
            if (Double.isFinite(x) && Double.isFinite(y)) {
                s.add(x / 1000, y / yScale);
            }
        }
        return s;
    }

    private static JFreeChart line(String title, String x, String y, XYSeriesCollection data) {
        JFreeChart chart = ChartFactory.createXYLineChart(title, x, y, data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setRenderer(new XYLineAndShapeRenderer(true, false));
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        // a JVM's RSS never goes near 0: zoom in on the part that moves
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        return chart;
    }

    private static void stack(Path png, List<JFreeChart> panels) throws IOException {
        BufferedImage img = new BufferedImage(WIDTH, PANEL_HEIGHT * Math.max(1, panels.size()), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            for (int i = 0; i < panels.size(); i++) {
                panels.get(i).draw(g, new Rectangle2D.Double(0, (double) i * PANEL_HEIGHT, WIDTH, PANEL_HEIGHT));
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(img, "png", png.toFile())) {
            throw new IOException("no PNG writer for " + png);
        }
    }
}
