package dev.armory.engine.train;

import dev.armory.engine.train.CheckpointState.CurvePoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws {@code loss.png}: training loss per step and eval loss per evaluation, with XChart. */
final class LossCurve {
  private LossCurve() {}

  /** Renders the curves and replaces {@code file} atomically (a viewer never sees half a PNG). */
  static void write(Path file, String title, List<CurvePoint> train, List<CurvePoint> eval)
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
    byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    AtomicFiles.write(file, png);
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
