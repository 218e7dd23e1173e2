/**
 * The exporter service: a thin Micronaut shell over the engine's {@link
 * dev.armory.engine.export.OnnxExporter} and {@link dev.armory.engine.merge.ModelMerger}. Reading
 * order: {@link dev.armory.exporter.ExporterConfig}, {@link dev.armory.exporter.ExportJob} (what an
 * ExportRequested or a completed run asks for), {@link dev.armory.exporter.ExportService} (the
 * export artifact), {@link dev.armory.exporter.ExportHandler} (ModelExported, once per key), {@link
 * dev.armory.exporter.AdapterPublisher} (AdapterPublished after a run asking for it), and {@link
 * dev.armory.exporter.ExporterServer}, which starts and stops it all.
 */
package dev.armory.exporter;
