package dev.armory.engine.train;

import dev.armory.engine.train.CheckpointState.CurvePoint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws {@code loss.png}: training loss per step and eval loss per evaluation, with XChart; below
 * it, when the objective reports per-step metrics (DPO's rewards), a second panel with one line per
 * metric, accuracies on a right-hand [0, 1] axis.
 */
final class LossCurve {
  private LossCurve() {}

  /** Renders the curves and replaces {@code file} atomically (a viewer never sees half a PNG). */
  static void write(
      Path file,
      String title,
      List<CurvePoint> train,
      List<CurvePoint> eval,
      Map<String, List<CurvePoint>> metrics)
      throws IOException {
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(540)
            .title(title)
            .xAxisTitle("step")
            .yAxisTitle("loss")
            .build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
    chart.getStyler().setAntiAlias(true);
    if (!train.isEmpty()) {
      XYSeries s = chart.addSeries("train loss", steps(train), losses(train));
      s.setMarker(SeriesMarkers.NONE);
    }
    if (!eval.isEmpty()) {
      XYSeries s = chart.addSeries("eval loss", steps(eval), losses(eval));
      s.setMarker(SeriesMarkers.CIRCLE);
    }
    if (train.isEmpty() && eval.isEmpty()) {
      chart.addSeries("train loss", new double[] {0}, new double[] {0});
    }
    if (metrics.isEmpty()) {
      AtomicFiles.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
      return;
    }
    BufferedImage top = BitmapEncoder.getBufferedImage(chart);
    BufferedImage bottom = BitmapEncoder.getBufferedImage(metricsChart(metrics));
    BufferedImage both =
        new BufferedImage(
            top.getWidth(), top.getHeight() + bottom.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = both.createGraphics();
    try {
      g.drawImage(top, 0, 0, null);
      g.drawImage(bottom, 0, top.getHeight(), null);
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(both, "png", png);
    AtomicFiles.write(file, png.toByteArray());
  }

  private static XYChart metricsChart(Map<String, List<CurvePoint>> metrics) {
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(400)
            .title("per-step metrics")
            .xAxisTitle("step")
            .yAxisTitle("value")
            .build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
    chart.getStyler().setAntiAlias(true);
    boolean right = false;
    for (Map.Entry<String, List<CurvePoint>> e : metrics.entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      XYSeries s = chart.addSeries(e.getKey(), steps(e.getValue()), losses(e.getValue()));
      s.setMarker(SeriesMarkers.NONE);
      if (e.getKey().contains("accuracy")) {
        s.setYAxisGroup(1); // a fraction: its own [0, 1] axis on the right
        right = true;
      }
    }
    if (right) {
      chart.setYAxisGroupTitle(1, "accuracy");
      chart.getStyler().setYAxisGroupPosition(1, org.knowm.xchart.style.Styler.YAxisPosition.Right);
      chart.getStyler().setYAxisMin(1, 0.0);
      chart.getStyler().setYAxisMax(1, 1.0);
    }
    return chart;
  }

  private static double[] steps(List<CurvePoint> points) {
    double[] x = new double[points.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = points.get(i).step();
    }
    return x;
  }

  private static double[] losses(List<CurvePoint> points) {
    double[] y = new double[points.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = points.get(i).loss();
    }
    return y;
  }
}
