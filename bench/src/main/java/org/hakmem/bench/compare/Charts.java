/*
 * Charts: the PNG charts of a session (JFreeChart, headless): throughput bars per workload, RSS over
 * time through burst-idle (one line per allocator), and ops/s and RSS per epoch of soak or drift
 * runs (several rounds: the runs on one time axis, one colour per allocator). Several panels are
 * stacked into one image, one chart per panel, so each keeps its own scale.
 */
package org.hakmem.bench.compare;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
            rss.addSeries(series(a, r.samples(), "t_ms", "rss_kib", 1024, 0));
            if (r.samples().stream().anyMatch(s -> Double.isFinite(RunRecord.num(s, "resident")))) {
                resident.addSeries(series(a, r.samples(), "t_ms", "resident", 1024 * 1024, 0));
            }
        }
        stack(png, List.of(
                line("burst-idle: process RSS (VmRSS) - burst, release, mixed-ws400, idle", "seconds", "MiB", rss),
                line("burst-idle: netty-hakmem resident bytes (mincore over its own mappings)", "seconds", "MiB",
                        resident)));
    }

    /**
     * Soak or drift runs: ops/s and process RSS per epoch, one line per allocator. With several rounds
     * the runs are laid out one after the other on the session's time axis, one line per run but one
     * colour per allocator: the alternation, and any slow change of the machine's speed, show at once,
     * where N overlaid runs per allocator would be a tangle.
     */
    static void epochs(Path png, List<RunRecord> records, String label) throws IOException {
        List<RunRecord> runs = records.stream().filter(r -> r.workload().equals(label)).toList();
        boolean rounds = runs.stream().anyMatch(r -> r.round() > 1);
        XYSeriesCollection ops = new XYSeriesCollection();
        XYSeriesCollection rss = new XYSeriesCollection();
        XYSeriesCollection resident = new XYSeriesCollection();
        Map<String, String> allocatorOf = new LinkedHashMap<>();
        double startS = 0; // the run's start on the session's time axis: the wall time of the runs before it
        for (RunRecord r : runs) {
            if (r.ok()) {
                String name = rounds ? r.allocator() + " round " + r.round() : r.allocator();
                double x0 = rounds ? startS + r.wallSeconds() - measuredS(r) : 0;
                allocatorOf.put(name, r.allocator());
                ops.addSeries(series(name, r.epochs(), "t_ms", "ops_per_s", 1e6, x0));
                rss.addSeries(series(name, r.epochs(), "t_ms", "rss_kib", 1024, x0));
                if (r.epochs().stream().anyMatch(s -> Double.isFinite(RunRecord.num(s, "resident")))) {
                    resident.addSeries(series(name, r.epochs(), "t_ms", "resident", 1024 * 1024, x0));
                }
            }
            startS += r.wallSeconds();
        }
        String x = rounds ? "seconds since the first run started (runs back to back, allocators alternating)"
                : "seconds";
        List<JFreeChart> panels = List.of(line(label + ": throughput per epoch", x, "million ops/s", ops),
                line(label + ": process RSS (VmRSS) per epoch", x, "MiB", rss),
                line(label + ": netty-hakmem resident bytes per epoch", x, "MiB", resident));
        if (rounds) {
            List<String> allocators = runs.stream().map(RunRecord::allocator).distinct().toList();
            double sessionS = Math.max(1, startS);
            for (JFreeChart p : panels) {
                colourByAllocator(p.getXYPlot(), allocatorOf, allocators);
                // the same time axis in every panel, also where an allocator has no line (resident)
                p.getXYPlot().getDomainAxis().setRange(0, sessionS);
            }
        }
        stack(png, panels);
    }

    /**
     * Seconds from the first epoch's start to the last one's end. t_ms counts from the end of the child's
     * warm-up, which JVM start-up precedes, while its exit is quick: so a run's epochs are put at the end
     * of its wall time rather than at its start.
     */
    private static double measuredS(RunRecord r) {
        double ms = r.epochs().isEmpty() ? Double.NaN : RunRecord.num(r.epochs().get(r.epochs().size() - 1), "t_ms");
        return Double.isFinite(ms) ? Math.min(ms / 1000, r.wallSeconds()) : r.wallSeconds();
    }

    /**
     * Every series in its allocator's colour (the same in every panel), and a legend of the allocators
     * in the panel instead of one entry per run.
     */
    private static void colourByAllocator(XYPlot plot, Map<String, String> allocatorOf, List<String> allocators) {
        Paint[] palette = DefaultDrawingSupplier.DEFAULT_PAINT_SEQUENCE;
        XYSeriesCollection data = (XYSeriesCollection) plot.getDataset();
        Set<String> shown = new LinkedHashSet<>();
        for (int i = 0; i < data.getSeriesCount(); i++) {
            String allocator = allocatorOf.get((String) data.getSeriesKey(i));
            plot.getRenderer().setSeriesPaint(i, palette[allocators.indexOf(allocator) % palette.length]);
            shown.add(allocator);
        }
        LegendItemCollection legend = new LegendItemCollection();
        for (String a : shown) {
            legend.add(new LegendItem(a, palette[allocators.indexOf(a) % palette.length]));
        }
        plot.setFixedLegendItems(legend);
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

    /** Points of (xKey in ms) / 1000 + x0S seconds against yKey / yScale. */
    private static XYSeries series(String name, List<Map<String, String>> points, String xKey, String yKey,
                                   double yScale, double x0S) {
        XYSeries s = new XYSeries(name, false, true);
        for (Map<String, String> p : points) {
            double x = RunRecord.num(p, xKey);
            double y = RunRecord.num(p, yKey);
            if (Double.isFinite(x) && Double.isFinite(y)) {
                s.add(x0S + x / 1000, y / yScale);
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
