// The umbrella module: `import NPLM` makes every layer of the library visible, for the command
// line and for applications that want all of it. Each layer is its own module
// (docs/architecture.md); code inside the library imports only the layers below its own.
@_exported import NPLMStatistics
@_exported import NPLMCore
@_exported import NPLMData
@_exported import NPLMEngines
@_exported import NPLMMethods
@_exported import NPLMCampaigns
